//! How a 2xx answer becomes the ok type an endpoint declares, decided by the type system rather
//! than by the type's name, so a renamed import or an alias of [`ApiResponse`] works like the
//! name itself.
//!
//! Generated code asks `Returns::<X>::new().decoder()`, one method call, resolved in the order
//! Rust looks methods up (inherent methods first, then traits, then the same on `&Returns<X>`):
//! inherent methods for `()`, `Bytes`, `Vec<u8>`, `String` and [`ByteStream`], bare or in an
//! `ApiResponse`; the [`JsonWithInfo`] trait for any other `ApiResponse<T>`; the [`JsonBody`]
//! trait, on `&Returns<X>`, for every other type. Every piece is a zero-sized value, so the
//! JSON path costs only `decode_json`. One call rather than two (choosing `ApiResponse`, then
//! the body's decoder) also keeps each endpoint cheaper to type-check.

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

/// The inherent `decoder` methods of `Returns<$ty>` and `Returns<ApiResponse<$ty>>`.
macro_rules! raw_decoders {
    ($($ty:ty => $decoder:ident: $doc:literal;)*) => {$(
        impl Returns<$ty> {
            #[doc = $doc]
            #[inline]
            pub fn decoder(self) -> $decoder {
                $decoder
            }
        }

        impl Returns<ApiResponse<$ty>> {
            #[doc = $doc]
            /// Status and headers are kept.
            #[inline]
            pub fn decoder(self) -> Info<$decoder> {
                Info($decoder)
            }
        }
    )*};
}

raw_decoders! {
    () => Ignore: "`()`: the body is ignored.";
    Bytes => Raw: "`Bytes`: the raw body.";
    Vec<u8> => RawVec: "`Vec<u8>`: the raw body.";
    ByteStream => Streamed: "`ByteStream`: the body unread, for the caller to read as it arrives.";
    String => Text: "`String`: the raw body, which must be UTF-8.";
}

/// Any other `ApiResponse<T>`: status and headers kept, the body JSON.
pub trait JsonWithInfo {
    /// The body's type.
    type Data;
    /// The JSON decoder for [`JsonWithInfo::Data`], in an [`Info`].
    fn decoder(self) -> Info<Json<Self::Data>>;
}

impl<T> JsonWithInfo for Returns<ApiResponse<T>> {
    type Data = T;
    #[inline]
    fn decoder(self) -> Info<Json<T>> {
        Info(Json(PhantomData))
    }
}

/// Every other type: the body is JSON, status and headers dropped. Implemented for
/// `&Returns<T>`, so it is tried only after everything implemented for `Returns<T>`.
pub trait JsonBody {
    /// The body's type.
    type Data;
    /// The JSON decoder for [`JsonBody::Data`].
    fn decoder(self) -> Json<Self::Data>;
}

impl<T> JsonBody for &Returns<T> {
    type Data = T;
    #[inline]
    fn decoder(self) -> Json<T> {
        Json(PhantomData)
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
    fn raw_types_in_an_api_response_keep_their_raw_decoder() {
        // Type-level: each must resolve to the inherent method, not to `JsonWithInfo`.
        let _: Info<Ignore> = Returns::<ApiResponse<()>>::new().decoder();
        let _: Info<Raw> = Returns::<ApiResponse<Bytes>>::new().decoder();
        let _: Info<RawVec> = Returns::<ApiResponse<Vec<u8>>>::new().decoder();
        let _: Info<Streamed> = Returns::<ApiResponse<ByteStream>>::new().decoder();
        let _: Info<Text> = Returns::<ApiResponse<String>>::new().decoder();
        let _: Info<Json<Vec<String>>> = Returns::<ApiResponse<Vec<String>>>::new().decoder();
        let _: Text = Returns::<String>::new().decoder();
        let _: Json<Option<String>> = Returns::<Option<String>>::new().decoder();
    }

    #[test]
    fn each_ok_type_picks_its_decoder() {
        let decoder = Returns::<ApiResponse<Vec<u8>>>::new().decoder();
        let response = decoder.decode(answer(StatusCode::CREATED)).unwrap();
        assert_eq!((response.status, response.data), (StatusCode::CREATED, b"[1]".to_vec()));
        let decoder = Returns::<ApiResponse<Vec<u32>>>::new().decoder();
        let response = decoder.decode(answer(StatusCode::ACCEPTED)).unwrap();
        assert_eq!((response.status, response.data), (StatusCode::ACCEPTED, vec![1]));
        let decoder = Returns::<Vec<u32>>::new().decoder();
        assert_eq!(decoder.decode(answer(StatusCode::OK)).unwrap(), [1]);
        let decoder = Returns::<String>::new().decoder();
        assert_eq!(decoder.decode(answer(StatusCode::OK)).unwrap(), "[1]");
        let decoder = Returns::<()>::new().decoder();
        decoder.decode(answer(StatusCode::OK)).unwrap();
    }

    #[test]
    fn only_a_byte_stream_leaves_the_body_unread() {
        fn streamed<D: Decode>(_: &D) -> bool {
            D::STREAMED
        }
        let decoder = Returns::<ApiResponse<ByteStream>>::new().decoder();
        assert!(streamed(&decoder));
        let mut stream = decoder.decode(answer(StatusCode::OK)).unwrap().data;
        let chunk = futures_executor_free_poll(&mut stream);
        assert_eq!(chunk.as_deref(), Some(&b"[1]"[..]));
        let decoder = Returns::<Bytes>::new().decoder();
        assert!(!streamed(&decoder));
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
