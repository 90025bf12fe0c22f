// The umbrella module: `import PageTableKit` brings the core and every built-in format.
@_exported import PageTable
@_exported import ARMLPAE
@_exported import ARMv7Short
@_exported import GPULPAE
@_exported import RISCV
@_exported import X86
