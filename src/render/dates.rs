//! The templates' `date` filter: `{{ article.date | date(format="%-d %B %Y") }}`, a
//! date written with strftime-like conversions (jiff's `strtime`), month and weekday
//! names in the page's language. The names live behind [`names`], one table per
//! language, so that they can move into a theme's words later.

use jiff::civil::Date;

/// Month and weekday names of one language.
#[derive(Debug)]
pub struct Names {
    /// January to December.
    pub months: [&'static str; 12],
    /// Their short forms (`%b`).
    pub months_short: [&'static str; 12],
    /// Monday to Sunday.
    pub weekdays: [&'static str; 7],
    /// Their short forms (`%a`).
    pub weekdays_short: [&'static str; 7],
}

const EN: Names = Names {
    months: crate::source::date::MONTHS,
    months_short: [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ],
    weekdays: [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ],
    weekdays_short: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
};

// Spanish writes month and day names in lower case; the short forms are the RAE's.
const ES: Names = Names {
    months: [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    months_short: [
        "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic",
    ],
    weekdays: ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"],
    weekdays_short: ["lun", "mar", "mié", "jue", "vie", "sáb", "dom"],
};

/// The languages [`names`] knows.
pub const LANGUAGES: &[&str] = &["en", "es"];

/// The month and weekday names of `lang` (a BCP 47 tag: `es-MX` is `es`), if known.
pub fn names(lang: &str) -> Option<&'static Names> {
    let primary = lang.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
    match primary.as_str() {
        "en" => Some(&EN),
        "es" => Some(&ES),
        _ => None,
    }
}

/// `date` formatted with `format` in language `lang`: `%B`, `%b`, `%A` and `%a` (with
/// the `^` flag for upper case) from [`names`], every other conversion by jiff.
pub fn format(date: Date, format: &str, lang: &str) -> Result<String, String> {
    let mut spelled = String::with_capacity(format.len() + 16);
    let mut chars = format.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if c != '%' {
            spelled.push(c);
            continue;
        }
        let mut flags = String::new();
        while let Some(&(_, f)) = chars.peek().filter(|(_, f)| "-_0^#".contains(*f)) {
            flags.push(f);
            chars.next();
        }
        let Some((_, conv)) = chars.next() else {
            return Err(format!("the format `{format}` ends with a lone `%`"));
        };
        let name = match conv {
            'B' | 'b' | 'h' | 'A' | 'a' => {
                let names = names(lang).ok_or_else(|| {
                    format!(
                        "there are no month and day names for the language `{lang}` (there are for {}); write the date with numbers (`%d/%m/%Y`) or pass `lang=\"en\"`",
                        LANGUAGES.join(", ")
                    )
                })?;
                let month = usize::from(date.month().unsigned_abs()) - 1;
                let day = usize::from(date.weekday().to_monday_zero_offset().unsigned_abs());
                Some(match conv {
                    'B' => names.months[month],
                    'b' | 'h' => names.months_short[month],
                    'A' => names.weekdays[day],
                    _ => names.weekdays_short[day],
                })
            }
            _ => None,
        };
        match name {
            Some(n) if flags.contains('^') => spelled.push_str(&n.to_uppercase()),
            Some(n) => spelled.push_str(&n.replace('%', "%%")),
            None => {
                spelled.push('%');
                spelled.push_str(&flags);
                spelled.push(conv);
            }
        }
    }
    jiff::fmt::strtime::format(spelled.as_str(), date).map_err(|e| {
        format!("the format `{format}` cannot write a date: {e} (a date has no time, so use only date conversions such as %Y, %m, %d, %B, %A)")
    })
}

/// The `date` filter: the value is a date as templates receive it (`{ iso, human }`) or
/// a `YYYY-MM-DD` string; `format` is required, `lang` defaults to the page's language.
pub(super) fn filter(value: tera::Value, kwargs: tera::Kwargs, state: &tera::State) -> tera::TeraResult<String> {
    let iso = value
        .get_from_path("iso")
        .and_then(|v| v.as_str().map(str::to_owned))
        .or_else(|| value.as_str().map(str::to_owned));
    let Some(iso) = iso else {
        return Err(tera::Error::message(format!(
            "the `date` filter needs a date (such as `article.date`), not `{value}`"
        )));
    };
    let date: Date = iso.parse().map_err(|_| {
        tera::Error::message(format!(
            "the `date` filter needs a date in the form YYYY-MM-DD, not `{iso}`"
        ))
    })?;
    let fmt = kwargs
        .get::<&str>("format")?
        .ok_or_else(|| tera::Error::message("the `date` filter needs a format, e.g. `date(format=\"%-d %B %Y\")`"))?;
    let lang = match kwargs.get::<&str>("lang")? {
        Some(lang) => lang.to_owned(),
        None => page_language(state),
    };
    format(date, fmt, &lang).map_err(tera::Error::message)
}

/// The language of the page being rendered: `meta.language` when the page has one of
/// its own, else `site.language`.
fn page_language(state: &tera::State) -> String {
    let from = |name: &str| {
        (state.get::<tera::Value>(name).ok().flatten())
            .and_then(|v| v.get_from_path("language").and_then(|l| l.as_str().map(str::to_owned)))
    };
    from("meta").or_else(|| from("site")).unwrap_or_else(|| "en".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_language() {
        let d = jiff::civil::date(2024, 3, 1);
        assert_eq!(format(d, "%-d %B %Y", "en").unwrap(), "1 March 2024");
        assert_eq!(
            format(d, "%A %-d de %B de %Y", "es-ES").unwrap(),
            "viernes 1 de marzo de 2024"
        );
        assert_eq!(format(d, "%a %d %b, %^B", "en").unwrap(), "Fri 01 Mar, MARCH");
        assert_eq!(format(d, "%a %b", "es").unwrap(), "vie mar");
        assert_eq!(format(d, "100%% %Y-%m-%d", "de").unwrap(), "100% 2024-03-01");
    }

    #[test]
    fn bad_formats_say_why() {
        let d = jiff::civil::date(2024, 3, 1);
        assert!(
            format(d, "%B", "de")
                .unwrap_err()
                .contains("no month and day names for the language `de`")
        );
        assert!(format(d, "%Y %", "en").unwrap_err().contains("lone `%`"));
        assert!(format(d, "%H:%M", "en").unwrap_err().contains("cannot write a date"));
    }

    #[test]
    fn every_language_has_every_name() {
        for lang in LANGUAGES {
            let n = names(lang).unwrap();
            let all = n
                .months
                .iter()
                .chain(&n.months_short)
                .chain(&n.weekdays)
                .chain(&n.weekdays_short);
            assert!(all.into_iter().all(|w| !w.is_empty()), "{lang}");
        }
    }
}
