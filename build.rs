//! `embed_migrations!` reads the migration folders when the crate compiles; cargo does
//! not notice a new folder by itself, so a build after adding a migration would embed
//! the old set. This makes any change under `migrations/` rebuild the crate.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
