//! A TOML table read field by field, every value with its span, for the scenario header.
//!
//! toml's own parser (`DeTable`), without serde: a derived `Deserialize` for the header's six
//! tables cost about 60 KB of the page's wasm, and reading fields by hand also lets a mistake
//! name the field, the table it is in and the fields that table has.

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::lang::diag::{suggest, Diagnostic, Span};

/// A value and where it is written.
#[derive(Clone, Debug)]
pub struct Field<T> {
    pub value: T,
    pub span: Span,
}

/// A number, or the name of a parameter (`count = "lockers"`, `max = "lockers"`).
#[derive(Clone, Debug)]
pub enum IntOrName {
    Int(i64),
    Name(String),
}

pub fn span<T>(s: &Spanned<T>) -> Span {
    let r = s.span();
    Span::new(r.start, r.end)
}

/// One table: its fields, and the names it may have.
pub struct Table<'t, 'i> {
    table: &'t DeTable<'i>,
    /// Where a missing field is reported.
    at: Span,
    /// How a message names it: "the header", "[params.n]", "[[tasks]]".
    name: String,
    fields: &'static [&'static str],
}

/// What a message calls a value's type.
fn kind(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "true or false",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

fn int(v: &Spanned<DeValue<'_>>, key: &str, d: &mut Vec<Diagnostic>) -> Option<i64> {
    let DeValue::Integer(i) = v.get_ref() else { return None };
    let value = i64::from_str_radix(i.as_str(), i.radix()).ok();
    if value.is_none() {
        d.push(Diagnostic::error(span(v), format!("`{key}` is out of the range of a 64-bit integer")));
    }
    value
}

impl<'t, 'i> Table<'t, 'i> {
    pub fn new(table: &'t DeTable<'i>, at: Span, name: impl Into<String>, fields: &'static [&'static str]) -> Self {
        Table { table, at, name: name.into(), fields }
    }

    fn get(&self, key: &str) -> Option<&'t Spanned<DeValue<'i>>> {
        self.table.iter().find(|(k, _)| k.get_ref().as_ref() == key).map(|(_, v)| v)
    }

    fn wrong_type(&self, key: &str, want: &str, v: &Spanned<DeValue<'_>>, d: &mut Vec<Diagnostic>) {
        d.push(
            Diagnostic::error(span(v), format!("`{key}` must be {want}, not {}", kind(v.get_ref())))
                .label(format!("in {}", self.name)),
        );
    }

    fn missing(&self, key: &str, d: &mut Vec<Diagnostic>) {
        d.push(Diagnostic::error(self.at, format!("missing field `{key}` in {}", self.name)));
    }

    /// A string field, if present (a value of another type is reported).
    pub fn string(&self, key: &str, d: &mut Vec<Diagnostic>) -> Option<Field<String>> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::String(s) => Some(Field { value: s.to_string(), span: span(v) }),
            _ => {
                self.wrong_type(key, "a string", v, d);
                None
            }
        }
    }

    /// A string field that must be there.
    pub fn required_string(&self, key: &str, d: &mut Vec<Diagnostic>) -> Option<Field<String>> {
        if self.get(key).is_none() {
            self.missing(key, d);
        }
        self.string(key, d)
    }

    /// An integer field, if present.
    pub fn int(&self, key: &str, d: &mut Vec<Diagnostic>) -> Option<Field<i64>> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::Integer(_) => Some(Field { value: int(v, key, d)?, span: span(v) }),
            _ => {
                self.wrong_type(key, "an integer", v, d);
                None
            }
        }
    }

    /// An integer field that must be there.
    pub fn required_int(&self, key: &str, d: &mut Vec<Diagnostic>) -> Option<Field<i64>> {
        if self.get(key).is_none() {
            self.missing(key, d);
        }
        self.int(key, d)
    }

    /// A `true`/`false` field that must be there.
    pub fn required_bool(&self, key: &str, d: &mut Vec<Diagnostic>) -> Option<Field<bool>> {
        let Some(v) = self.get(key) else {
            self.missing(key, d);
            return None;
        };
        match v.get_ref() {
            DeValue::Boolean(b) => Some(Field { value: *b, span: span(v) }),
            _ => {
                self.wrong_type(key, "true or false", v, d);
                None
            }
        }
    }

    /// A number or a parameter's name, if present.
    pub fn int_or_name(&self, key: &str, d: &mut Vec<Diagnostic>) -> Option<Field<IntOrName>> {
        let v = self.get(key)?;
        let value = match v.get_ref() {
            DeValue::Integer(_) => IntOrName::Int(int(v, key, d)?),
            DeValue::String(s) => IntOrName::Name(s.to_string()),
            _ => {
                self.wrong_type(key, "an integer or a parameter's name", v, d);
                return None;
            }
        };
        Some(Field { value, span: span(v) })
    }

    /// A table field that must be there (`[source]`).
    pub fn required_table(
        &self,
        key: &str,
        name: &str,
        fields: &'static [&'static str],
        d: &mut Vec<Diagnostic>,
    ) -> Option<Table<'t, 'i>> {
        let Some(v) = self.get(key) else {
            self.missing(key, d);
            return None;
        };
        match v.get_ref() {
            DeValue::Table(t) => Some(Table::new(t, span(v), name, fields)),
            _ => {
                self.wrong_type(key, "a table", v, d);
                None
            }
        }
    }

    /// A table field that may be missing (`[timed]`).
    pub fn table(
        &self,
        key: &str,
        name: &str,
        fields: &'static [&'static str],
        d: &mut Vec<Diagnostic>,
    ) -> Option<Table<'t, 'i>> {
        self.get(key)?;
        self.required_table(key, name, fields, d)
    }

    /// The tables of a table field (`[params.n]`), each with its key, in the order of their keys.
    pub fn tables_by_name(
        &self,
        key: &str,
        fields: &'static [&'static str],
        d: &mut Vec<Diagnostic>,
    ) -> Vec<(Field<String>, Table<'t, 'i>)> {
        let Some(v) = self.get(key) else { return Vec::new() };
        let DeValue::Table(t) = v.get_ref() else {
            self.wrong_type(key, "a table of tables", v, d);
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, v) in t.iter() {
            let name = Field { value: k.get_ref().to_string(), span: span(k) };
            match v.get_ref() {
                DeValue::Table(inner) => {
                    let table = Table::new(inner, name.span, format!("[{key}.{}]", name.value), fields);
                    out.push((name, table));
                }
                _ => self.wrong_type(&format!("{key}.{}", name.value), "a table", v, d),
            }
        }
        out
    }

    /// The tables of an array of tables (`[[tasks]]`).
    pub fn array_of_tables(
        &self,
        key: &str,
        fields: &'static [&'static str],
        d: &mut Vec<Diagnostic>,
    ) -> Vec<Table<'t, 'i>> {
        let Some(v) = self.get(key) else { return Vec::new() };
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(key, &format!("[[{key}]] tables"), v, d);
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::Table(t) => out.push(Table::new(t, span(item), format!("[[{key}]]"), fields)),
                _ => self.wrong_type(key, &format!("[[{key}]] tables"), item, d),
            }
        }
        out
    }

    /// Report every field this table may not have, with the nearest one it may.
    pub fn unknown_fields(&self, d: &mut Vec<Diagnostic>) {
        for (k, _) in self.table.iter() {
            let key = k.get_ref().as_ref();
            if self.fields.contains(&key) {
                continue;
            }
            let help = match suggest(key, self.fields.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("the fields of {} are {}", self.name, self.fields.join(", ")),
            };
            d.push(Diagnostic::error(span(k), format!("unknown field `{key}` in {}", self.name)).help(help));
        }
    }
}
