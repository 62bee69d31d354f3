//! [`Operation`]: what every call knows about the endpoint it calls.

use http::Method;

/// A `'static` description of one endpoint, emitted by `#[api]` for each method and handed to
/// the runtime with every call: which API and method it is, its HTTP method and path template,
/// and whether sending it twice is safe. Logs name the call by it.
///
/// The macro writes it as a struct literal behind `&`, which the compiler promotes to a
/// `'static` constant: cheaper to compile than a `static` item per method (so the fields stay
/// public and the struct exhaustive).
///
/// ```
/// use http_api_client::{http::Method, Operation};
///
/// static LIST_INVOICES: Operation =
///     Operation::new("Billing", "invoices", Method::GET, "/accounts/{aid}/invoices", true);
/// assert_eq!(LIST_INVOICES.to_string(), "GET /accounts/{aid}/invoices");
/// ```
#[derive(Debug, Clone)]
pub struct Operation {
    /// The API's name: the trait declared with `#[api]`.
    pub api: &'static str,
    /// The trait method's name.
    pub method: &'static str,
    /// The HTTP method.
    pub http_method: Method,
    /// The path template as declared, e.g. `/accounts/{aid}/auth/mfa/challenge`.
    pub path_template: &'static str,
    /// Whether sending the request twice has the effect of sending it once (GET, HEAD, PUT,
    /// DELETE, OPTIONS, or a method declared so).
    pub idempotent: bool,
}

impl Operation {
    /// Describes an endpoint.
    pub const fn new(
        api: &'static str,
        method: &'static str,
        http_method: Method,
        path_template: &'static str,
        idempotent: bool,
    ) -> Self {
        Self { api, method, http_method, path_template, idempotent }
    }
}

/// `POST /accounts/{aid}/auth/mfa/challenge`: the route, as a span or log line names it.
impl std::fmt::Display for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.http_method, self.path_template)
    }
}
