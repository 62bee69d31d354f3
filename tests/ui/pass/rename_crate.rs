// `crate = "..."` points the generated code at a renamed or re-exported runtime.
#![deny(warnings)]

extern crate dintero_auth as rt;

#[rt::api(crate = "rt")]
pub trait Renamed {
    #[get("/things/{id}")]
    async fn get(&self, id: u32) -> Result<(), rt::Error>;
}

mod reexport {
    pub use ::dintero_auth as runtime;
}

mod nested {
    #[crate::reexport::runtime::api(crate = "crate::reexport::runtime")]
    pub trait ThroughModule {
        #[delete("/things/{id}")]
        async fn remove(&self, id: u32) -> Result<(), crate::reexport::runtime::Error>;
    }
}

fn main() {
    let _: fn(rt::Client) -> RenamedClient = RenamedClient::new;
    let _: fn(dintero_auth::Client) -> nested::ThroughModuleClient = nested::ThroughModuleClient::new;
}
