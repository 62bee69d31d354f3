// The trait promises `Send` futures, so a parameter that cannot cross threads is rejected.
use std::rc::Rc;

#[dintero_auth::api]
pub trait Things {
    #[get("/things/{id}")]
    async fn thing(&self, id: Rc<str>) -> Result<(), dintero_auth::Error>;
}

fn main() {}
