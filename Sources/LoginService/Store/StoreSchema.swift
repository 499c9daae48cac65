/// The schema, as numbered migrations per SQL dialect. A database records the highest version it
/// has applied in `schema_migrations`; startup applies the rest in order.
enum StoreSchema {
    enum Dialect {
        case sqlite
        case postgres
    }

    static func migrations(for dialect: Dialect) -> [(version: Int, statements: [String])] {
        let id = dialect == .sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY"
        let timestamp = dialect == .sqlite ? "REAL" : "DOUBLE PRECISION"
        return [
            (
                1,
                [
                    """
                    CREATE TABLE users (
                        id \(id),
                        app_id TEXT NOT NULL,
                        openid TEXT NOT NULL,
                        unionid TEXT,
                        nick_name TEXT,
                        avatar_url TEXT,
                        gender INTEGER,
                        city TEXT,
                        province TEXT,
                        country TEXT,
                        language TEXT,
                        phone_number TEXT,
                        pure_phone_number TEXT,
                        country_code TEXT,
                        session_key_enc TEXT NOT NULL,
                        login_count INTEGER NOT NULL DEFAULT 1,
                        created_at \(timestamp) NOT NULL,
                        updated_at \(timestamp) NOT NULL,
                        UNIQUE (app_id, openid)
                    )
                    """,
                    """
                    CREATE TABLE login_sessions (
                        id TEXT PRIMARY KEY,
                        user_id BIGINT NOT NULL REFERENCES users(id),
                        created_at \(timestamp) NOT NULL,
                        expires_at \(timestamp) NOT NULL,
                        revoked_at \(timestamp)
                    )
                    """,
                    "CREATE INDEX login_sessions_revoked_at ON login_sessions (revoked_at)",
                    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
                ]
            )
        ]
    }

    /// The upserts both dialects share: one statement each, race-free on the `(app_id, openid)`
    /// key. With a profile, the profile fields are replaced; without one (a code-only login), they
    /// are kept. Two short statements rather than one with a CASE per field: SQLite parses the
    /// statement on every call, and that parse showed up in the login profile.
    static func upsertUser(withProfile: Bool, placeholders p: (Int) -> String) -> String {
        let profileUpdate =
            withProfile
            ? """
            nick_name = excluded.nick_name, avatar_url = excluded.avatar_url, gender = excluded.gender, city = excluded.city,
                province = excluded.province, country = excluded.country, language = excluded.language,
            """ : ""
        return """
            INSERT INTO users (app_id, openid, unionid, session_key_enc, nick_name, avatar_url, gender, city, province, country, language,
                               login_count, created_at, updated_at)
            VALUES (\(p(1)), \(p(2)), \(p(3)), \(p(4)), \(p(5)), \(p(6)), \(p(7)), \(p(8)), \(p(9)), \(p(10)), \(p(11)), 1, \(p(12)), \(p(12)))
            ON CONFLICT (app_id, openid) DO UPDATE SET
                unionid = COALESCE(excluded.unionid, users.unionid), session_key_enc = excluded.session_key_enc, \(profileUpdate)
                login_count = users.login_count + 1, updated_at = excluded.updated_at
            RETURNING \(userColumns)
            """
    }

    /// The columns of a user (``SQLiteUserStore`` reads them by position, in this order).
    static let userColumns =
        "id, app_id, openid, unionid, nick_name, avatar_url, gender, city, province, country, language, phone_number, pure_phone_number, country_code, login_count"
}
