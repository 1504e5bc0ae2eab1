//! The boundary with the web: the request as the adapters hand it in (`request`), the response
//! handed back (`response`), which endpoint a path names (`router`), what one request is allowed
//! to trust (`context`: origin, https, cookie names), where a browser may be sent (`redirect`,
//! SPEC rule 4), which URLs the server may call (`url_policy`, rule 8) and the one HTTP client
//! that calls them (`outbound`: rustls, timeouts, no redirects, capped bodies).

pub mod context;
pub mod outbound;
pub mod page;
pub mod redirect;
pub mod request;
pub mod response;
pub mod router;
pub mod url_policy;
