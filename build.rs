fn main() {
    // Only the Node binding needs napi's linker setup; `cargo test` builds the core alone.
    if std::env::var_os("CARGO_FEATURE_NODE").is_some() {
        napi_build::setup();
    }
    migrations();
}

/// Lists the store's migrations (`src/store/migrations/<engine>/NNNN_name.sql`) for
/// `src/store/migrate.rs`, so a capability adds its schema as one new file per engine and edits
/// no shared list.
fn migrations() {
    use std::fmt::Write;
    let root = std::path::Path::new("src/store/migrations");
    println!("cargo:rerun-if-changed=src/store/migrations");
    let mut out = String::new();
    for engine in ["sqlite", "postgres"] {
        let mut files: Vec<(u32, String, String)> = std::fs::read_dir(root.join(engine))
            .map(|d| d.flatten().collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter()
            .filter_map(|e| {
                let file = e.file_name().to_string_lossy().to_string();
                let stem = file.strip_suffix(".sql")?;
                let (num, name) = stem.split_once('_')?;
                let version: u32 = num.parse().ok()?;
                let path = std::fs::canonicalize(e.path()).ok()?;
                Some((
                    version,
                    name.to_string(),
                    path.to_string_lossy().to_string(),
                ))
            })
            .collect();
        files.sort();
        for pair in files.windows(2) {
            assert!(
                pair[0].0 != pair[1].0,
                "two {engine} migrations share version {}",
                pair[0].0
            );
        }
        let _ = writeln!(
            out,
            "pub const {}: &[Migration] = &[",
            engine.to_uppercase()
        );
        for (version, name, path) in files {
            let _ = writeln!(
                out,
                "    Migration {{ version: {version}, name: {name:?}, sql: include_str!({path:?}) }},"
            );
        }
        out.push_str("];\n");
    }
    let dest = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("migrations.rs");
    std::fs::write(dest, out).unwrap();
}
