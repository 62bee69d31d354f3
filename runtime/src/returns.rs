//! How a 2xx answer becomes the ok type an endpoint declares, decided by the type system rather
//! than by the type's name, so a renamed import or an alias of [`ApiResponse`] works like the
//! name itself.
//!
//! Generated code asks `Returns::<X>::new().split()`: an inherent method on
//! `Returns<ApiResponse<T>>` (inherent methods win over trait methods) keeps status and headers,
//! the [`Plain`] trait's method takes every other type. The body type then picks its decoder the
//! same way: inherent methods for `()`, `Bytes`, `Vec<u8>`, `String` and [`ByteStream`], the [`JsonBody`] trait for
//! the rest. Every piece is a zero-sized value, so the JSON path costs only `decode_json`.

use std::marker::PhantomData;

use bytes::Bytes;
use http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::middleware::Response;
use crate::response::{decode_json, ApiResponse};
use crate::stream::ByteStream;

/// Turns a 2xx answer into a value.
pub trait Decode {
    /// The value produced.
    type Output;
    /// Whether the body is handed over unread, as a [`ByteStream`].
    const STREAMED: bool = false;
    /// Decodes the answer.
    fn decode(self, response: Response) -> Result<Self::Output, Error>;
}

/// The declared ok type `T`, before its decoder is chosen.
pub struct Returns<T>(PhantomData<fn() -> T>);

impl<T> Returns<T> {
    /// The ok type `T`.
    #[inline]
    pub const fn new() -> Self {
        Self(PhantomData)
    }
}

impl<T> Default for Returns<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Returns<ApiResponse<T>> {
    /// `ApiResponse<T>`: status and headers kept, the body decoded as `T`.
    #[inline]
    pub fn split(self) -> (WithInfo, Body<T>) {
        (WithInfo, Body(PhantomData))
    }
}

/// Any ok type other than `ApiResponse<T>`: the body alone.
pub trait Plain {
    /// The body's type.
    type Data;
    /// The body decoded as [`Plain::Data`], status and headers dropped.
    fn split(self) -> (NoInfo, Body<Self::Data>);
}

impl<T> Plain for Returns<T> {
    type Data = T;
    #[inline]
    fn split(self) -> (NoInfo, Body<T>) {
        (NoInfo, Body(PhantomData))
    }
}

/// Status and headers are dropped.
pub struct NoInfo;

impl NoInfo {
    /// The decoder itself.
    #[inline]
    pub fn wrap<D: Decode>(self, decoder: D) -> D {
        decoder
    }
}

/// Status and headers are kept in an [`ApiResponse`].
pub struct WithInfo;

impl WithInfo {
    /// The decoder, its value wrapped in an [`ApiResponse`].
    #[inline]
    pub fn wrap<D: Decode>(self, decoder: D) -> Info<D> {
        Info(decoder)
    }
}

/// Decodes with `D` and keeps status and headers.
pub struct Info<D>(D);

impl<D: Decode> Decode for Info<D> {
    type Output = ApiResponse<D::Output>;
    const STREAMED: bool = D::STREAMED;
    #[inline]
    fn decode(self, mut response: Response) -> Result<Self::Output, Error> {
        // The inner decoder gets no headers: none of them reads any.
        let (status, headers) = (response.status, std::mem::take(&mut response.headers));
        let data = self.0.decode(response)?;
        Ok(ApiResponse { status, headers, data })
    }
}

/// A body of type `T`, before its decoder is chosen.
pub struct Body<T>(PhantomData<fn() -> T>);

impl Body<()> {
    /// `()`: the body is ignored.
    #[inline]
    pub fn decoder(self) -> Ignore {
        Ignore
    }
}

impl Body<Bytes> {
    /// `Bytes`: the raw body.
    #[inline]
    pub fn decoder(self) -> Raw {
        Raw
    }
}

impl Body<Vec<u8>> {
    /// `Vec<u8>`: the raw body.
    #[inline]
    pub fn decoder(self) -> RawVec {
        RawVec
    }
}

impl Body<ByteStream> {
    /// `ByteStream`: the body unread, for the caller to read as it arrives.
    #[inline]
    pub fn decoder(self) -> Streamed {
        Streamed
    }
}

impl Body<String> {
    /// `String`: the raw body, which must be UTF-8.
    #[inline]
    pub fn decoder(self) -> Text {
        Text
    }
}

/// Every other body type is JSON.
pub trait JsonBody {
    /// The body's type.
    type Data;
    /// The JSON decoder for [`JsonBody::Data`].
    fn decoder(self) -> Json<Self::Data>
    where
        Self::Data: DeserializeOwned;
}

impl<T> JsonBody for Body<T> {
    type Data = T;
    #[inline]
    fn decoder(self) -> Json<T>
    where
        T: DeserializeOwned,
    {
        Json(PhantomData)
    }
}

/// Ignores the body.
pub struct Ignore;

impl Decode for Ignore {
    type Output = ();
    #[inline]
    fn decode(self, _: Response) -> Result<(), Error> {
        Ok(())
    }
}

/// The raw body as `Bytes`.
pub struct Raw;

impl Decode for Raw {
    type Output = Bytes;
    #[inline]
    fn decode(self, response: Response) -> Result<Bytes, Error> {
        Ok(response.body)
    }
}

/// The raw body as `Vec<u8>`.
pub struct RawVec;

impl Decode for RawVec {
    type Output = Vec<u8>;
    #[inline]
    fn decode(self, response: Response) -> Result<Vec<u8>, Error> {
        Ok(Vec::from(response.body))
    }
}

/// The body unread, as a [`ByteStream`].
pub struct Streamed;

impl Decode for Streamed {
    type Output = ByteStream;
    const STREAMED: bool = true;
    #[inline]
    fn decode(self, response: Response) -> Result<ByteStream, Error> {
        // A middleware's own answer has its body in memory.
        Ok(response.stream.unwrap_or_else(|| response.body.into()))
    }
}

/// The raw body as UTF-8 text.
pub struct Text;

impl Decode for Text {
    type Output = String;
    fn decode(self, response: Response) -> Result<String, Error> {
        decode_text(response.status, response.body)
    }
}

/// A UTF-8 body as a `String`; otherwise a decode error naming the first invalid byte's offset.
pub(crate) fn decode_text(status: StatusCode, body: Bytes) -> Result<String, Error> {
    String::from_utf8(Vec::from(body)).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        Error::decode(
            status,
            format!("response body is not UTF-8 text (invalid byte at offset {at})"),
            e.into_bytes().into(),
        )
    })
}

/// Decodes a JSON body into `T`.
pub struct Json<T>(PhantomData<fn() -> T>);

impl<T: DeserializeOwned> Decode for Json<T> {
    type Output = T;
    #[inline]
    fn decode(self, response: Response) -> Result<T, Error> {
        decode_json(response.status, response.body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use http::HeaderMap;

    #[test]
    fn text_is_checked_utf8_and_the_error_keeps_the_body() {
        let ok = decode_text(StatusCode::OK, Bytes::from_static("caf\u{e9}".as_bytes())).unwrap();
        assert_eq!(ok, "caf\u{e9}");
        let error = decode_text(StatusCode::OK, Bytes::from_static(b"ab\xffc")).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Decode);
        assert!(error.to_string().ends_with("(invalid byte at offset 2)"), "{error}");
        assert!(!error.to_string().contains("ab"), "{error}");
    }

    fn answer(status: StatusCode) -> Response {
        Response::new(status, HeaderMap::new(), Bytes::from_static(b"[1]"))
    }

    #[test]
    fn each_ok_type_picks_its_decoder() {
        let (info, data) = Returns::<ApiResponse<Vec<u8>>>::new().split();
        let response = info.wrap(data.decoder()).decode(answer(StatusCode::CREATED)).unwrap();
        assert_eq!((response.status, response.data), (StatusCode::CREATED, b"[1]".to_vec()));
        let (info, data) = Returns::<Vec<u32>>::new().split();
        assert_eq!(info.wrap(data.decoder()).decode(answer(StatusCode::OK)).unwrap(), [1]);
        let (info, data) = Returns::<String>::new().split();
        assert_eq!(info.wrap(data.decoder()).decode(answer(StatusCode::OK)).unwrap(), "[1]");
        let (info, data) = Returns::<()>::new().split();
        info.wrap(data.decoder()).decode(answer(StatusCode::OK)).unwrap();
    }

    #[test]
    fn only_a_byte_stream_leaves_the_body_unread() {
        fn streamed<D: Decode>(_: &D) -> bool {
            D::STREAMED
        }
        let (info, data) = Returns::<ApiResponse<ByteStream>>::new().split();
        let decoder = info.wrap(data.decoder());
        assert!(streamed(&decoder));
        let mut stream = decoder.decode(answer(StatusCode::OK)).unwrap().data;
        let chunk = futures_executor_free_poll(&mut stream);
        assert_eq!(chunk.as_deref(), Some(&b"[1]"[..]));
        let (info, data) = Returns::<Bytes>::new().split();
        assert!(!streamed(&info.wrap(data.decoder())));
    }

    /// Polls a memory stream, which is always ready.
    fn futures_executor_free_poll(stream: &mut ByteStream) -> Option<Bytes> {
        use futures_core::Stream;
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        match std::pin::Pin::new(stream).poll_next(&mut cx) {
            std::task::Poll::Ready(item) => item.map(Result::unwrap),
            std::task::Poll::Pending => None,
        }
    }
}
