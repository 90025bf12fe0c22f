import PageTable
import PageTableTestSupport
import Testing

extension Conformance {
    /// One configuration of a format under test: a name, how to make the format, and where
    /// the simulated table memory lies.
    ///
    /// The name appears in every failure and seeds the random checks, so give each
    /// configuration of a format a distinct, stable name (`"my-format 4k"`).
    public struct Configuration: Sendable, CustomTestStringConvertible {
        /// Rewrites one invalidation request on its way to the TLB model: the range that
        /// reaches the model's caches, or `nil` to drop the request.
        public typealias InvalidationFilter = @Sendable (Range<VirtualAddress>) -> Range<VirtualAddress>?

        /// The name failures and test reports show; it also seeds the random checks.
        public let name: String
        /// The physical address of the simulated table memory (below the format's table
        /// address limit, and 4K-aligned).
        public var arenaBase: PhysicalAddress
        /// Its size in bytes: enough for a few thousand small tables.
        public var arenaSize: Int
        /// Applied to every leaf and walk invalidation before the TLB model sees it (`nil`: none).
        /// The kit's own tests use it to prove that a skipped range is caught; model hardware
        /// that invalidates less than it is asked to with it.
        public var invalidationFilter: InvalidationFilter?
        private let runner: @Sendable (Check, Configuration, FailureLog) throws -> Void

        /// A configuration named `name` whose format `make` creates (once per check).
        ///
        /// - Parameters:
        ///   - name: how failures name this configuration.
        ///   - arenaBase: the physical base of the table memory (default 2 GiB).
        ///   - arenaSize: its size (default 64 MiB).
        ///   - invalidationFilter: see ``invalidationFilter`` (default: none).
        ///   - make: creates the format under test.
        public init<Format: PageTableFormat>(_ name: String, arenaBase: PhysicalAddress = 0x8000_0000,
                                             arenaSize: Int = 64 << 20,
                                             invalidationFilter: InvalidationFilter? = nil,
                                             format make: @escaping @Sendable () throws -> Format) {
            self.name = name
            self.arenaBase = arenaBase
            self.arenaSize = arenaSize
            self.invalidationFilter = invalidationFilter
            runner = { check, configuration, log in
                try Conformance.run(check, on: try make(), configuration, log)
            }
        }

        /// The configuration's name.
        public var testDescription: String { name }

        func run(_ check: Check, _ log: FailureLog) throws { try runner(check, self, log) }

        /// A new empty table of `format` in this configuration's memory, its invalidations
        /// filtered into a TLB model.
        func modelledTable<Format: PageTableFormat>(_ format: Format, coherent: Bool) throws -> ModelledTable<Format> {
            let modelled = try ModelledTable(format, base: arenaBase, size: arenaSize, coherent: coherent)
            modelled.tlb.requestFilter = invalidationFilter
            return modelled
        }
    }

    /// Runs one check on one format, specialised for it.
    static func run<Format: PageTableFormat>(_ check: Check, on format: Format, _ configuration: Configuration,
                                             _ log: FailureLog) throws {
        switch check {
        case .contract: try ContractCheck.run(format, log)
        case .randomOperations: try RandomOperationCheck.run(format, configuration, coherent: true, log)
        case .randomOperationsNonCoherent: try RandomOperationCheck.run(format, configuration, coherent: false, log)
        case .faultInjection: try FaultInjectionCheck.run(format, configuration, coherent: true, log)
        case .faultInjectionNonCoherent: try FaultInjectionCheck.run(format, configuration, coherent: false, log)
        case .estimates: try EstimateCheck.run(format, configuration, log)
        case .preparedBatches: try BatchCheck.run(format, configuration, log)
        case .reservations: try ReservationCheck.run(format, configuration, log)
        case .pageLists: try PageListCheck.run(format, configuration, log)
        case .concurrency: try ConcurrencyCheck.run(format, configuration, log)
        case .breakBeforeMake: try BreakBeforeMakeCheck.run(format, configuration, log)
        case .adoption: try AdoptionCheck.run(format, configuration, log)
        }
    }
}
