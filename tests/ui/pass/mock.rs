// The trait is an ordinary trait: code written against it accepts the generated client and a
// hand-written mock alike, and the mock runs without any HTTP.
#![deny(warnings)]

use dintero_auth::Error;
use std::sync::Mutex;

#[dintero_auth::api]
pub trait Invoices {
    #[get("/invoices/{id}")]
    async fn amount(&self, id: u64, #[query] currency: &str) -> Result<u64, Error>;

    #[delete("/invoices/{id}")]
    async fn cancel(&self, id: u64) -> Result<(), Error>;
}

#[derive(Default)]
struct Mock {
    cancelled: Mutex<Vec<u64>>,
}

impl Invoices for Mock {
    async fn amount(&self, id: u64, currency: &str) -> Result<u64, Error> {
        assert_eq!(currency, "NOK");
        Ok(id * 100)
    }

    async fn cancel(&self, id: u64) -> Result<(), Error> {
        self.cancelled.lock().unwrap().push(id);
        Ok(())
    }
}

async fn cancel_expensive<A: Invoices>(api: &A, ids: &[u64]) -> Result<u64, Error> {
    let mut total = 0;
    for &id in ids {
        let amount = api.amount(id, "NOK").await?;
        if amount > 150 {
            api.cancel(id).await?;
            total += amount;
        }
    }
    Ok(total)
}

fn main() {
    let mock = Mock::default();
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let total = runtime.block_on(cancel_expensive(&mock, &[1, 2, 3])).unwrap();
    assert_eq!(total, 500);
    assert_eq!(*mock.cancelled.lock().unwrap(), [2, 3]);

    // The generated client fits the same generic code.
    let _ = cancel_expensive::<InvoicesClient>;
}
