#[dintero_auth::api]
pub struct Things;

fn main() {}
