// Release builds carry the templates inside the binary; debug builds read them from disk so edits show at once.
fn main() {
    println!("cargo:rerun-if-changed=../frontend/templates");
    minijinja_embed::embed_templates!("../frontend/templates");
}
