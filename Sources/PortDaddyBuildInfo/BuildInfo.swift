/// What the build itself knows: the version and the git commit it was built from.
///
/// The commit is stamped by `BuildInfoPlugin` (`git rev-parse HEAD` of the checkout) whenever HEAD moves;
/// it is "unknown" when the package was not built from a git checkout.
public enum BuildInfo {
    /// The full git commit hash of the build, or "unknown".
    public static let commit: String = generatedCommit
}
