import GRDB

/// A user read straight from SQLite's current result row: the columns of
/// ``StoreSchema/userColumns``, in order, from the statement's column `index` on.
///
/// Why not GRDB's `Row`: fetching one builds a dictionary of the lowercased column names per
/// statement run, `fetchAll` copies every value, and reading an optional column through it looks
/// up generic metadata at run time; together about 3% of a login's CPU, on the database thread.
/// `StatementColumnConvertible` is GRDB's documented hook for reading values from the C
/// statement without a `Row`; it is meant for one column, and this type reads a fixed run of
/// them. It is only ever fetched (`fetchAll`), never written, so its `DatabaseValueConvertible`
/// side is never used.
struct SQLiteUserColumns: DatabaseValueConvertible, StatementColumnConvertible {
    let user: StoredUser

    init(sqliteStatement statement: SQLiteStatement, index: CInt) {
        // GRDB's own column readers (`fromStatement` answers nil for NULL), specialized here.
        func text(_ offset: CInt) -> String? { String.fromStatement(statement, atUncheckedIndex: index + offset) }
        func integer(_ offset: CInt) -> Int64? { Int64.fromStatement(statement, atUncheckedIndex: index + offset) }
        self.user = StoredUser(
            id: integer(0) ?? 0,
            appID: text(1) ?? "",
            openID: text(2) ?? "",
            unionID: text(3),
            nickName: text(4),
            avatarUrl: text(5),
            gender: integer(6).map(Int.init),
            city: text(7),
            province: text(8),
            country: text(9),
            language: text(10),
            phoneNumber: text(11),
            purePhoneNumber: text(12),
            countryCode: text(13),
            loginCount: Int(integer(14) ?? 0)
        )
    }

    /// Not a value that is written: a user is stored through SQL, column by column.
    var databaseValue: DatabaseValue { .null }

    /// Users are read from statements only (see the type's comment).
    static func fromDatabaseValue(_ dbValue: DatabaseValue) -> Self? { nil }
}
