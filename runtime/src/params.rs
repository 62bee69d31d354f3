//! Turns `#[query]`, `#[header]` and `#[form]` arguments into strings with serde, so any
//! `Serialize` type works: scalars become one value, `None` is omitted, sequences repeat the
//! name, and a struct or map is flattened into its own `name=value` pairs.

use std::fmt::{self, Display, Write as _};

use serde::ser::{self, Impossible, Serialize};

/// Why an argument could not be turned into request parameters.
#[derive(Debug)]
pub(crate) struct ParamError(String);

impl Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParamError {}

impl ser::Error for ParamError {
    fn custom<T: Display>(msg: T) -> Self {
        Self(msg.to_string())
    }
}

fn unsupported<T>(what: &str) -> Result<T, ParamError> {
    Err(ParamError(format!("{what} cannot be sent as a query, form or header value")))
}

/// Appends the pairs `value` stands for under `name` to `out`.
pub(crate) fn push_pairs<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
    out: &mut Vec<(String, String)>,
) -> Result<(), ParamError> {
    value.serialize(PairSerializer { name, out, in_struct: false })
}

/// The single string `value` stands for; `None` for `None` and `()`.
pub(crate) fn to_scalar<T: Serialize + ?Sized>(value: &T) -> Result<Option<String>, ParamError> {
    value.serialize(ScalarSerializer)
}

/// Serializes one scalar (or an `Option` of one) into a string.
struct ScalarSerializer;

macro_rules! display_scalars {
    ($($method:ident: $ty:ty),* $(,)?) => {
        $(fn $method(self, v: $ty) -> Result<Self::Ok, Self::Error> {
            Ok(Some(v.to_string()))
        })*
    };
}

impl ser::Serializer for ScalarSerializer {
    type Ok = Option<String>;
    type Error = ParamError;
    type SerializeSeq = Impossible<Self::Ok, ParamError>;
    type SerializeTuple = Impossible<Self::Ok, ParamError>;
    type SerializeTupleStruct = Impossible<Self::Ok, ParamError>;
    type SerializeTupleVariant = Impossible<Self::Ok, ParamError>;
    type SerializeMap = Impossible<Self::Ok, ParamError>;
    type SerializeStruct = Impossible<Self::Ok, ParamError>;
    type SerializeStructVariant = Impossible<Self::Ok, ParamError>;

    display_scalars!(
        serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_i128: i128, serialize_u8: u8, serialize_u16: u16,
        serialize_u32: u32, serialize_u64: u64, serialize_u128: u128, serialize_f32: f32,
        serialize_f64: f64, serialize_char: char,
    );

    fn serialize_str(self, v: &str) -> Result<Self::Ok, Self::Error> {
        Ok(Some(v.to_owned()))
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<Self::Ok, Self::Error> {
        unsupported("raw bytes")
    }
    fn serialize_none(self) -> Result<Self::Ok, Self::Error> {
        Ok(None)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Self::Ok, Self::Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Self::Ok, Self::Error> {
        Ok(None)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Self::Ok, Self::Error> {
        Ok(None)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Self::Ok, Self::Error> {
        Ok(Some(variant.to_owned()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Self::Ok, Self::Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Self::Ok, Self::Error> {
        unsupported("an enum variant with data")
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Self::Error> {
        unsupported("a nested sequence")
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Self::Error> {
        unsupported("a nested tuple")
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Self::Error> {
        unsupported("a nested tuple struct")
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Self::Error> {
        unsupported("an enum variant with data")
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Self::Error> {
        unsupported("a nested map")
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Self::Error> {
        unsupported("a nested struct")
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Self::Error> {
        unsupported("an enum variant with data")
    }
    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Result<Self::Ok, Self::Error> {
        let mut s = String::new();
        write!(s, "{value}").map_err(|_| ParamError("a value's Display failed".to_owned()))?;
        Ok(Some(s))
    }
}

/// Serializes a whole argument into `name=value` pairs.
struct PairSerializer<'a> {
    name: &'a str,
    out: &'a mut Vec<(String, String)>,
    /// A field of a flattened struct: a struct in it has no flat form.
    in_struct: bool,
}

impl<'a> PairSerializer<'a> {
    fn flatten(self) -> Result<Flattened<'a>, ParamError> {
        if self.in_struct {
            return unsupported("a nested struct or map");
        }
        Ok(Flattened { key: None, out: self.out })
    }

    fn push_scalar<T: Serialize + ?Sized>(self, value: &T) -> Result<(), ParamError> {
        if let Some(text) = to_scalar(value)? {
            self.out.push((self.name.to_owned(), text));
        }
        Ok(())
    }
}

macro_rules! forward_scalars {
    ($($method:ident: $ty:ty),* $(,)?) => {
        $(fn $method(self, v: $ty) -> Result<(), ParamError> {
            self.push_scalar(&v)
        })*
    };
}

impl<'a> ser::Serializer for PairSerializer<'a> {
    type Ok = ();
    type Error = ParamError;
    type SerializeSeq = Repeated<'a>;
    type SerializeTuple = Repeated<'a>;
    type SerializeTupleStruct = Repeated<'a>;
    type SerializeTupleVariant = Impossible<(), ParamError>;
    type SerializeMap = Flattened<'a>;
    type SerializeStruct = Flattened<'a>;
    type SerializeStructVariant = Impossible<(), ParamError>;

    forward_scalars!(
        serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_i128: i128, serialize_u8: u8, serialize_u16: u16,
        serialize_u32: u32, serialize_u64: u64, serialize_u128: u128, serialize_f32: f32,
        serialize_f64: f64, serialize_char: char, serialize_str: &str,
    );

    fn serialize_bytes(self, _: &[u8]) -> Result<(), ParamError> {
        unsupported("raw bytes")
    }
    fn serialize_none(self) -> Result<(), ParamError> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), ParamError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), ParamError> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), ParamError> {
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), ParamError> {
        self.push_scalar(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), ParamError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), ParamError> {
        unsupported("an enum variant with data")
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Repeated<'a>, ParamError> {
        Ok(Repeated { name: self.name, out: self.out })
    }
    fn serialize_tuple(self, _: usize) -> Result<Repeated<'a>, ParamError> {
        Ok(Repeated { name: self.name, out: self.out })
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Repeated<'a>, ParamError> {
        Ok(Repeated { name: self.name, out: self.out })
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, ParamError> {
        unsupported("an enum variant with data")
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Flattened<'a>, ParamError> {
        self.flatten()
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Flattened<'a>, ParamError> {
        self.flatten()
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, ParamError> {
        unsupported("an enum variant with data")
    }
}

/// A sequence: every element under the same name (`tag=a&tag=b`).
pub(crate) struct Repeated<'a> {
    name: &'a str,
    out: &'a mut Vec<(String, String)>,
}

impl Repeated<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ParamError> {
        if let Some(text) = to_scalar(value)? {
            self.out.push((self.name.to_owned(), text));
        }
        Ok(())
    }
}

/// Sequences, tuples and tuple structs all repeat the name: one impl shape for the three traits.
macro_rules! repeated_impl {
    ($($trait:ident :: $method:ident),*) => {
        $(impl ser::$trait for Repeated<'_> {
            type Ok = ();
            type Error = ParamError;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ParamError> {
                self.element(value)
            }
            fn end(self) -> Result<(), ParamError> {
                Ok(())
            }
        })*
    };
}

repeated_impl!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field
);

/// A struct or map: each field becomes its own parameter, named by the field.
pub(crate) struct Flattened<'a> {
    key: Option<String>,
    out: &'a mut Vec<(String, String)>,
}

impl ser::SerializeStruct for Flattened<'_> {
    type Ok = ();
    type Error = ParamError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), ParamError> {
        value.serialize(PairSerializer { name: key, out: self.out, in_struct: true })
    }
    fn end(self) -> Result<(), ParamError> {
        Ok(())
    }
}

impl ser::SerializeMap for Flattened<'_> {
    type Ok = ();
    type Error = ParamError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), ParamError> {
        match to_scalar(key)? {
            Some(key) => self.key = Some(key),
            None => return unsupported("an empty map key"),
        }
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ParamError> {
        let Some(key) = self.key.take() else {
            return unsupported("a map value without key");
        };
        value.serialize(PairSerializer { name: &key, out: self.out, in_struct: true })
    }
    fn end(self) -> Result<(), ParamError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn pairs<T: Serialize + ?Sized>(name: &str, value: &T) -> Vec<(String, String)> {
        let mut out = Vec::new();
        push_pairs(name, value, &mut out).unwrap();
        out
    }

    fn p(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[derive(serde::Serialize)]
    struct Filter {
        status: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        since: Option<u32>,
        limit: Option<u8>,
        tag: Vec<&'static str>,
    }

    #[derive(serde::Serialize)]
    #[serde(rename_all = "snake_case")]
    enum Order {
        NewestFirst,
    }

    #[test]
    fn scalars_options_sequences_and_structs() {
        assert_eq!(pairs("limit", &5u32), p(&[("limit", "5")]));
        assert_eq!(pairs("limit", &None::<u32>), p(&[]));
        assert_eq!(pairs("q", &Some("a b")), p(&[("q", "a b")]));
        assert_eq!(pairs("ok", &true), p(&[("ok", "true")]));
        assert_eq!(pairs("order", &Order::NewestFirst), p(&[("order", "newest_first")]));
        assert_eq!(pairs("id", &vec![1, 2]), p(&[("id", "1"), ("id", "2")]));
        assert_eq!(pairs("id", &[Some(1), None, Some(3)]), p(&[("id", "1"), ("id", "3")]));
        let filter = Filter { status: "paid", since: None, limit: Some(3), tag: vec!["x", "y"] };
        assert_eq!(
            pairs("filter", &filter),
            p(&[("status", "paid"), ("limit", "3"), ("tag", "x"), ("tag", "y")])
        );
        let map: BTreeMap<&str, u8> = [("a", 1), ("b", 2)].into_iter().collect();
        assert_eq!(pairs("m", &map), p(&[("a", "1"), ("b", "2")]));
    }

    #[test]
    fn unsupported_shapes_are_errors_not_panics() {
        let mut out = Vec::new();
        assert!(push_pairs("x", &vec![vec![1]], &mut out).is_err());
        assert!(push_pairs("x", &serde_json::json!({"a": {"b": 1}}), &mut out).is_err());
        assert!(to_scalar(&vec![1]).is_err());
        assert_eq!(to_scalar(&None::<&str>).unwrap(), None);
        assert_eq!(to_scalar(&Some(7)).unwrap().as_deref(), Some("7"));
    }
}
