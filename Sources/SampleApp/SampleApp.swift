import ArgumentParser

/// The MiniWeb sample application: a WeChat Mini Program login service.
@main
struct SampleApp: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "SampleApp",
        abstract: "A WeChat Mini Program login service built on MiniWeb.",
        subcommands: [ServeCommand.self, DecryptCommand.self, EmulatorCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}
