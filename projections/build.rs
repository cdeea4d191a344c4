// Re-embed the read-side migrations whenever a file is added to their folders.
fn main() {
    println!("cargo:rerun-if-changed=../migrations/sqlite/read");
    println!("cargo:rerun-if-changed=../migrations/postgres/read");
}
