import PageTable

extension PageTableFormat {
    /// The format grown as far as its top can grow (``PageTableFormat/grownTop()``); itself for
    /// formats whose top is fixed. The random operations run over this range, so a growing top
    /// grows during the check.
    var fullyGrown: Self {
        var format = self
        while let step = format.grownTop() { format = step.format }
        return format
    }
}
