import PageTable

extension MapAttributes {
    /// Attributes from PROT letters as the command line spells them: `r w x` access, `c`
    /// cacheable, `d` device, `p` privileged (`c` wins if both memory types are given).
    public init(letters: String) {
        var access: Access = []
        if letters.contains("r") { access.insert(.read) }
        if letters.contains("w") { access.insert(.write) }
        if letters.contains("x") { access.insert(.execute) }
        let type: MemoryType = letters.contains("c") ? .cacheable : letters.contains("d") ? .device : .normal
        self.init(access: access, privileged: letters.contains("p"), memoryType: type)
    }
}
