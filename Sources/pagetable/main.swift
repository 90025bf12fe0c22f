// The shipped `pagetable`: the PageTableCLI entry point with the built-in formats. A package
// adding its own formats builds its own executable the same way, with a catalogue of its own.
import Foundation
import PageTableCLI

exit(PageTableCommand.main(catalog: .builtIn))
