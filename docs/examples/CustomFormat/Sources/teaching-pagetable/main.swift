// `teaching-pagetable`: the pagetable command with the built-in formats and teaching-mmu32.
import Foundation
import PageTableCLI
import TeachingMMUCommand

exit(PageTableCommand.main(catalog: .teaching))
