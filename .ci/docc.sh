#!/usr/bin/env bash
# The DocC catalogues: one documentation archive per library product, built with the
# toolchain's own `docc` from symbol graphs SwiftPM extracts (no package plugin, so the root
# package keeps zero dependencies). Fails on any DocC warning (a ``Symbol`` link that does not
# resolve, a missing parameter, a guide that does not build), on any public symbol without
# documentation of its own or inherited from the requirement it implements, and on a library
# product without a catalogue. Archives land in .build/docc/<Module>.doccarchive
# (`docc preview` or any static file server shows them).
set -euo pipefail
cd "$(dirname "$0")/.."

docc="$(dirname "$(command -v swift)")/docc"
out=.build/docc
rm -rf "$out"
mkdir -p "$out"

# Public symbols only (from the debug build); members a type merely inherits from a protocol
# extension are documented where they are declared. Extension blocks put a format's additions
# to core types (register IDs, format flags) on pages of their own in the format's archive.
# SwiftPM also tries the test runner modules it synthesizes, cannot load them and exits 1:
# those two errors are expected, any other fails the step.
log="$out/dump-symbol-graph.log"
swift package dump-symbol-graph --skip-synthesized-members --emit-extension-block-symbols \
    > "$log" 2>&1 || true
graphs=$(sed -n 's/^Files written to //p' "$log")
if [ ! -d "$graphs" ] || grep '^error:' "$log" | grep -Ev "for '[A-Za-z0-9_]+Package(Discovered)?Tests'"; then
    cat "$log" >&2
    echo "docc: swift package dump-symbol-graph failed" >&2
    exit 1
fi

# Every library product's module, and the folder that holds its catalogue.
modules=$(swift package dump-package | python3 -c '
import json, sys
package = json.load(sys.stdin)
paths = {t["name"]: t.get("path") or ("Sources/" + t["name"]) for t in package["targets"]}
for product in package["products"]:
    if "library" in product["type"]:
        for target in product["targets"]:
            print(target, paths[target])
')

status=0
# The core's catalogue includes every guide.
for guide in docs/*.md; do
    if [ ! -e "Sources/PageTable/Documentation.docc/Guides/$(basename "$guide")" ]; then
        echo "docc: $guide is not in the PageTable catalogue (Sources/PageTable/Documentation.docc/Guides)" >&2
        status=1
    fi
done

while read -r module path; do
    catalog="$path/Documentation.docc"
    if [ ! -d "$catalog" ]; then
        echo "docc: $module has no catalogue ($catalog)" >&2
        status=1
        continue
    fi
    # The module's own graph and its extensions of other modules' types (Module@Other).
    mkdir -p "$out/graphs/$module"
    cp "$graphs/$module.symbols.json" "$out/graphs/$module/"
    cp "$graphs/$module"@*.symbols.json "$out/graphs/$module/" 2>/dev/null || true

    # The catalogue includes guides from docs/ as symbolic links (one source of truth). The
    # guides name images by their path in the repository (images/x.svg, for GitHub); DocC finds
    # images by file name, so the staged copy has docs/images beside the guides and drops the
    # folder from their image paths.
    stage="$out/catalogs/$module.docc"
    mkdir -p "$out/catalogs"
    cp -RL "$catalog" "$stage"
    if grep -rlq --include='*.md' '](images/' "$stage"; then
        cp docs/images/* "$stage/"
        find "$stage" -name '*.md' -exec sed -i 's#](images/#](#g' {} +
    fi

    if ! "$docc" convert "$stage" --additional-symbol-graph-dir "$out/graphs/$module" \
            --output-dir "$out/$module.doccarchive" --fallback-bundle-identifier "$module" \
            --enable-inherited-docs --warnings-as-errors \
            --experimental-documentation-coverage > "$out/$module.log"; then
        cat "$out/$module.log" >&2
        echo "docc: $module: the catalogue has warnings (above)" >&2
        status=1
        continue
    fi

    # Coverage: every symbol page needs an abstract (the module's is its landing page's
    # summary). Pages DocC makes up -- extended-module and extended-type groups,
    # "Implementations" groups -- have no doc comment to give.
    python3 - "$module" "$out/$module.doccarchive/documentation-coverage.json" <<'EOF' || status=1
import json, sys
module, path = sys.argv[1], sys.argv[2]
made_up = ("extendedModule", "extendedStructure", "extendedClass", "extendedEnumeration",
           "extendedProtocol", "unknownExtendedType", "collectionGroup")
entries = json.load(open(path))
missing = sorted(entry["referencePath"].split("/documentation/", 1)[1]
                 for entry in entries
                 if entry["kind"]["isSymbol"] and not entry["hasAbstract"]
                 and entry["kind"]["id"].rsplit(".", 1)[1] not in made_up)
for name in missing:
    print(f"docc: {module}: undocumented public symbol {name}", file=sys.stderr)
if missing:
    sys.exit(1)
print(f"docc: {module}: {len(entries)} pages, every symbol documented")
EOF
done <<< "$modules"

[ "$status" = 0 ] && echo "docc: $(wc -l <<< "$modules") catalogues built in $out, no warnings, every public symbol documented"
exit "$status"
