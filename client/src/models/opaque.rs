//! Serializing the opaque tokens and codes of requests.

use serde::Serializer;

use crate::Secret;

/// Serializes an opaque token or code, refusing control characters (CR, LF, NUL, ...): no
/// real token has them, so one that does is a bug or an injection attempt, and the call fails
/// before anything is sent.
pub(crate) fn serialize_token<S: Serializer>(secret: &Secret, serializer: S) -> Result<S::Ok, S::Error> {
    if secret.expose().chars().any(char::is_control) {
        return Err(serde::ser::Error::custom(
            "a token or code contains control characters (e.g. CR, LF, NUL)",
        ));
    }
    serializer.serialize_str(secret.expose())
}
