// Inner attributes in the trait body apply to the trait (an inner `#[cfg]` removes the client
// too); in a method's body, which is rejected, they do not break the rest of the output.
#![deny(warnings)]

#[dintero_auth::api]
pub trait Documented {
    //! Documented from the inside.
    #![allow(clippy::all)]

    #[get("/a")]
    async fn a(&self) -> Result<(), dintero_auth::Error>;
}

#[dintero_auth::api]
pub trait CompiledOut {
    #![cfg(any())]

    #[get("/x")]
    async fn x(&self) -> Result<(), UnknownType>;
}

fn main() {
    let _ = DocumentedClient::a;
}
