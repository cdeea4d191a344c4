// Re-embed the event-log migrations whenever a file is added to their folders.
fn main() {
    println!("cargo:rerun-if-changed=../migrations/sqlite/events");
    println!("cargo:rerun-if-changed=../migrations/postgres/events");
}
