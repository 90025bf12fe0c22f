// The `pagetable` executable: everything lives in PageTableCLI, which tests run in-process.
import Foundation
import PageTableCLI

exit(PageTableCommand.main())
