//! The CLI's credentials file: which server, which token (and its id, so
//! `keel logout` can revoke it), and the default workspace.
//!
//! Location: `$KEEL_CONFIG`, else `$XDG_CONFIG_HOME/keel/credentials.toml`,
//! else `~/.config/keel/credentials.toml`. The file holds a secret, so it is
//! written readable by its owner only (0600, in a 0700 directory on Unix) and
//! atomically: a new file is written and synced beside the old one, then
//! renamed over it, so a crash never leaves half a file and there is no
//! moment when the token sits in a file with wider permissions.

use anyhow::{Context, Result, anyhow};
use serde::{Deserialize, Serialize};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What `keel login` stores.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    /// Base URL of the server the token belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// Personal API token (secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Id of that token, for revoking it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_id: Option<String>,
    /// Email the token was created for (shown by `whoami` offline hints).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Default workspace slug, set by `keel workspace use`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
}

/// Where the credentials file lives (it need not exist).
pub fn path() -> Result<PathBuf> {
    if let Some(path) = non_empty_env("KEEL_CONFIG") {
        return Ok(PathBuf::from(path));
    }
    if let Some(dir) = non_empty_env("XDG_CONFIG_HOME") {
        return Ok(Path::new(&dir).join("keel").join("credentials.toml"));
    }
    if let Some(home) = non_empty_env("HOME") {
        return Ok(Path::new(&home)
            .join(".config")
            .join("keel")
            .join("credentials.toml"));
    }
    Err(anyhow!(
        "cannot tell where to keep credentials: set KEEL_CONFIG to a file path"
    ))
}

fn non_empty_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Reads the file at `path`; a missing file is empty credentials.
pub fn load(path: &Path) -> Result<Credentials> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Credentials::default());
        }
        Err(err) => return Err(anyhow!("cannot read {}: {err}", path.display())),
    };
    toml::from_str(&text).map_err(|err| {
        anyhow!(
            "cannot read {}: {} (fix or delete the file, then `keel login` again)",
            path.display(),
            one_line(&err.to_string())
        )
    })
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Writes `creds` to `path` atomically, readable by the owner only.
pub fn save(path: &Path, creds: &Credentials) -> Result<()> {
    let text = toml::to_string(creds).context("cannot encode the credentials")?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    create_private_dir(&dir)?;
    let file_name = path
        .file_name()
        .ok_or_else(|| anyhow!("{} is not a file path", path.display()))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(file_name);
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp = dir.join(tmp_name);
    let written = write_private(&tmp, text.as_bytes()).and_then(|()| {
        fs::rename(&tmp, path).with_context(|| format!("cannot replace {}", path.display()))
    });
    if written.is_err() {
        // Best effort: do not leave a stray copy of the token behind.
        let _ = fs::remove_file(&tmp);
    }
    written
}

/// Deletes the credentials file; true if there was one.
pub fn remove(path: &Path) -> Result<bool> {
    match fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(err) => Err(anyhow!("cannot delete {}: {err}", path.display())),
    }
}

fn create_private_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .with_context(|| format!("cannot create {}", dir.display()))
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("keel-config-test-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn round_trip_with_private_mode() {
        let dir = scratch("round-trip");
        let path = dir.join("sub").join("credentials.toml");
        assert_eq!(load(&path).unwrap(), Credentials::default());
        let creds = Credentials {
            server: Some("http://127.0.0.1:7070".into()),
            token: Some("secret".into()),
            token_id: Some("t1".into()),
            email: Some("a@example.com".into()),
            workspace: None,
        };
        save(&path, &creds).unwrap();
        save(&path, &creds).unwrap();
        assert_eq!(load(&path).unwrap(), creds);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // No temporary files are left behind.
        let names: Vec<_> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1);
        assert!(remove(&path).unwrap());
        assert!(!remove(&path).unwrap());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn garbage_is_a_clear_error() {
        let dir = scratch("garbage");
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("credentials.toml");
        fs::write(&path, "server = [").unwrap();
        let err = load(&path).unwrap_err().to_string();
        assert!(err.starts_with("cannot read "), "{err}");
        assert!(!err.contains('\n'), "{err}");
        fs::remove_dir_all(&dir).unwrap();
    }
}
