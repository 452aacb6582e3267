/// How a file claim is written for people: `path`, `path:10-20`, `path:10-`, `path:-20`, `path#symbol`,
/// `path#symbol:3-9` (the CLI's region syntax, with the symbol after `#`).
public enum FileClaimSpelling {
    public static func text(path: String, startLine: Int?, endLine: Int?, symbol: String?) -> String {
        var text = path
        if let symbol { text += "#" + symbol }
        if startLine != nil || endLine != nil { text += ":" + (startLine.map(String.init) ?? "") + "-" + (endLine.map(String.init) ?? "") }
        return text
    }
}

extension FileClaimInfo {
    /// This claim in ``FileClaimSpelling``.
    public var spelled: String { FileClaimSpelling.text(path: path, startLine: startLine, endLine: endLine, symbol: symbol) }
}
