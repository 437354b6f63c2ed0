// The tables as diesel sees them. Keep in step with both migration folders; the
// schema test (tests/api/schema.rs) compares what each backend ends up with.

diesel::table! {
    teams (code) {
        code -> Text,
        name -> Text,
        created_at -> Timestamp,
    }
}
