import Foundation
import PageTableKit

/// `--dot FILE`: the table tree as a Graphviz digraph, so sharing can be *seen*.
///
/// ```
/// digraph pagetable {
///   node [shape=box, fontname="monospace"];
///   edge [fontname="monospace"];
///   t80000000 [label="L0 0x80000000"];
///   t80001000 [label="L1 0x80001000\nshared x2", style=filled, fillcolor="#fde68a"];
///   t80003000 [label="L3 0x80003000\nshared x512\nleaves 512 x 4K", style=filled, fillcolor="#fde68a"];
///   t80000000 -> t80001000 [label="x2"];
///   ...
/// }
/// ```
///
/// One node per table (however many entries point at it), labelled with the level name, its
/// physical address, `shared xN` when N > 1 entries point at it, and the leaves it holds
/// summarised as counts per size (leaves are not nodes, which keeps the graph small). One edge
/// per distinct (parent, child) pair, labelled `xK` when K > 1 entries of the parent point at
/// the child. A shared table is therefore one node with several incoming edges, or one edge
/// labelled with how many entries share it. Nodes and edges appear in the order the tree is
/// first walked, so the output is deterministic.
struct DotWriter {
    /// The table drawn.
    let table: AnyPageTable

    /// The digraph, ending in a newline.
    var text: String {
        var nodes: [Node] = []
        var nodeIndex: [PhysicalAddress: Int] = [:]
        var edges: [Edge] = []
        var edgeIndex: [Edge.Key: Int] = [:]
        // The table currently open at each level: a node's parent is the one a level above.
        var open = Array(repeating: PhysicalAddress(0), count: table.geometry.levelCount)
        table.visit(expandingShared: false) { node in
            switch node {
            case .table(let info):
                if info.level < table.geometry.topLevel {
                    let key = Edge.Key(parent: open[info.level + 1], child: info.address)
                    if let index = edgeIndex[key] {
                        edges[index].count += 1
                    } else {
                        edgeIndex[key] = edges.count
                        edges.append(Edge(key: key, count: 1))
                    }
                }
                open[info.level] = info.address
                if nodeIndex[info.address] == nil {
                    nodeIndex[info.address] = nodes.count
                    nodes.append(Node(address: info.address, level: info.level, references: info.references))
                }
            case .leaf(let leaf):
                // Leaves are visited once per table (shared tables are not expanded again).
                guard let index = nodeIndex[open[leaf.level]] else { return }
                nodes[index].leaves[leaf.size, default: 0] += 1
            }
        }
        var text = "digraph pagetable {\n"
        text += "  node [shape=box, fontname=\"monospace\"];\n"
        text += "  edge [fontname=\"monospace\"];\n"
        for node in nodes {
            var label = ["\(table.levelName(node.level)) \(node.address.hexadecimal)"]
            if node.references > 1 { label.append("shared x\(node.references)") }
            if !node.leaves.isEmpty {
                label.append("leaves " + node.leaves.keys.sorted().map { "\(node.leaves[$0]!) x \(ByteCount($0))" }
                    .joined(separator: ", "))
            }
            let style = node.references > 1 ? ", style=filled, fillcolor=\"#fde68a\"" : ""
            text += "  \(Self.identifier(node.address)) [label=\"\(label.joined(separator: "\\n"))\"\(style)];\n"
        }
        for edge in edges {
            let label = edge.count > 1 ? " [label=\"x\(edge.count)\"]" : ""
            text += "  \(Self.identifier(edge.key.parent)) -> \(Self.identifier(edge.key.child))\(label);\n"
        }
        return text + "}\n"
    }

    /// Writes the digraph to `path`; failures are reported like export failures.
    func write(to path: String) throws(ExportError) {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw ExportError("cannot write '\(path)': \(error.localizedDescription)")
        }
    }

    /// A table's node name: `t` and its physical address in hex.
    static func identifier(_ address: PhysicalAddress) -> String { "t" + String(address, radix: 16) }

    private struct Node {
        let address: PhysicalAddress
        let level: Int
        let references: Int
        /// Leaves held directly, counted by size.
        var leaves: [UInt64: Int] = [:]
    }

    private struct Edge {
        struct Key: Hashable {
            let parent: PhysicalAddress
            let child: PhysicalAddress
        }
        let key: Key
        var count: Int
    }
}
