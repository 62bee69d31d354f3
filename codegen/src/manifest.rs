//! Finding the runtime crate under the name the caller's `Cargo.toml` gives it, so that
//! `#[renamed::api]` works after `renamed = { package = "http-api-client", .. }` without
//! `crate = "..."`.
//!
//! Only the proc macro's entry point uses this module: it reads the file system through
//! `CARGO_MANIFEST_DIR`, which the harnesses that compile the other modules in have no use for.

use crate::attr::RuntimeLookup;
use proc_macro_crate::{Error, FoundCrate};

/// Packages that provide the runtime the generated code calls into, most preferred first: the
/// runtime itself, then the client crates known to re-export it (with its `__private` module), so
/// that their users depend on them alone.
const RUNTIME_PACKAGES: &[&str] = &["http-api-client", "dintero-auth"];

/// Where the crate being compiled reaches the runtime, from its own `Cargo.toml`.
pub(crate) fn find_runtime() -> RuntimeLookup {
    find_among(RUNTIME_PACKAGES, proc_macro_crate::crate_name)
}

/// The first of `packages` that `lookup` finds, as a path from the extern prelude.
fn find_among(
    packages: &'static [&'static str],
    lookup: impl Fn(&str) -> Result<FoundCrate, Error>,
) -> RuntimeLookup {
    for package in packages {
        let name = match lookup(package) {
            // The runtime crate using its own macro names itself with `extern crate self as ..`,
            // under its package name, so the path is the same as for its users.
            Ok(FoundCrate::Itself) => package.replace('-', "_"),
            Ok(FoundCrate::Name(name)) => name,
            Err(Error::CrateNotFound { .. }) => continue,
            // No readable manifest (a build without cargo, say): the default name is the best
            // guess, and an error here would break builds that used to work.
            Err(_) => return RuntimeLookup::Unknown,
        };
        return match syn::parse_str::<syn::Ident>(&name) {
            Ok(ident) => RuntimeLookup::Found(syn::parse_quote!(::#ident)),
            // Not a plain identifier (a keyword, say): no path to build, so fall back quietly.
            Err(_) => RuntimeLookup::Unknown,
        };
    }
    RuntimeLookup::Missing(packages)
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;
    use std::path::PathBuf;

    fn show(lookup: RuntimeLookup) -> String {
        match lookup {
            RuntimeLookup::Found(path) => path.to_token_stream().to_string().replace(' ', ""),
            RuntimeLookup::Missing(packages) => format!("missing {packages:?}"),
            RuntimeLookup::Unknown => "unknown".to_owned(),
        }
    }

    fn not_found(package: &str) -> Error {
        Error::CrateNotFound { crate_name: package.to_owned(), path: PathBuf::from("Cargo.toml") }
    }

    #[test]
    fn first_package_found_wins() {
        const PACKAGES: &[&str] = &["neutral-rt", "dintero-auth"];
        let only_auth = |package: &str| match package {
            "dintero-auth" => Ok(FoundCrate::Name("auth".to_owned())),
            other => Err(not_found(other)),
        };
        assert_eq!(show(find_among(PACKAGES, only_auth)), "::auth");
        let both = |package: &str| Ok(FoundCrate::Name(package.replace('-', "_")));
        assert_eq!(show(find_among(PACKAGES, both)), "::neutral_rt");
    }

    #[test]
    fn the_runtime_itself_uses_its_package_name() {
        assert_eq!(show(find_among(RUNTIME_PACKAGES, |_| Ok(FoundCrate::Itself))), "::http_api_client");
    }

    #[test]
    fn not_found_is_missing_but_unreadable_is_unknown() {
        assert_eq!(
            show(find_among(RUNTIME_PACKAGES, |p| Err(not_found(p)))),
            "missing [\"http-api-client\", \"dintero-auth\"]"
        );
        assert_eq!(show(find_among(RUNTIME_PACKAGES, |_| Err(Error::CargoManifestDirNotSet))), "unknown");
    }

    /// The real lookup on manifests written to a temporary directory. One test sets
    /// `CARGO_MANIFEST_DIR` for all cases, so that no other test sees it change.
    #[test]
    fn reads_the_manifest_in_cargo_manifest_dir() {
        let root =
            std::env::temp_dir().join(format!("http-api-client-codegen-manifest-{}", std::process::id()));
        let saved = std::env::var_os("CARGO_MANIFEST_DIR");
        let lookup_in = |case: &str, manifest: Option<&str>| {
            let dir = root.join(case);
            std::fs::create_dir_all(dir.join("src")).unwrap();
            std::fs::write(dir.join("src/lib.rs"), "").unwrap();
            if let Some(manifest) = manifest {
                std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
            }
            std::env::set_var("CARGO_MANIFEST_DIR", &dir);
            show(find_runtime())
        };
        let package = "[package]\nname = \"user\"\nversion = \"0.0.0\"\n\n[workspace]\n\n";

        let renamed = format!(
            "{package}[dependencies]\nrenamed = {{ package = \"http-api-client\", version = \"1\" }}\n"
        );
        assert_eq!(lookup_in("renamed", Some(&renamed)), "::renamed");
        let facade =
            format!("{package}[dependencies]\ndintero = {{ package = \"dintero-auth\", version = \"1\" }}\n");
        assert_eq!(lookup_in("facade", Some(&facade)), "::dintero");
        let both = format!("{package}[dependencies]\ndintero-auth = \"1\"\nhttp-api-client = \"1\"\n");
        assert_eq!(lookup_in("both", Some(&both)), "::http_api_client");
        let plain = format!("{package}[dev-dependencies]\ndintero-auth = \"1\"\n");
        assert_eq!(lookup_in("plain", Some(&plain)), "::dintero_auth");
        let itself = "[package]\nname = \"http-api-client\"\nversion = \"0.0.0\"\n\n[workspace]\n";
        assert_eq!(lookup_in("itself", Some(itself)), "::http_api_client");
        let other = format!("{package}[dependencies]\nserde = \"1\"\n");
        assert_eq!(lookup_in("missing", Some(&other)), "missing [\"http-api-client\", \"dintero-auth\"]");
        assert_eq!(lookup_in("no-manifest", None), "unknown");

        match saved {
            Some(dir) => std::env::set_var("CARGO_MANIFEST_DIR", dir),
            None => std::env::remove_var("CARGO_MANIFEST_DIR"),
        }
        std::fs::remove_dir_all(&root).unwrap();
    }
}
