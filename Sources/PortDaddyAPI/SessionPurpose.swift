/// Purposes the daemon gives sessions it starts by itself.
public enum SessionPurpose {
    /// The purpose of the session a note starts when its agent had none (`pd done` ends it).
    public static let quickNotes = "quick notes"
}
