//! The theme's templates: the ones knead renders pages with, compiling them with every
//! syntax error reported (as [`super::template_errors`] words them), and knead's
//! `safe`, `default` and `date` filters and `range` function.

use tera::Tera;

use super::template_errors::{Sources, compile_errors, template_error};
use crate::diagnostics::Diagnostic;
use crate::source::theme::Theme;

/// The templates knead renders pages with (the built-in theme has each of them, so a
/// theme that lacks one uses that one).
pub const REQUIRED_TEMPLATES: &[&str] = &[
    "index.html",
    "articles.html",
    "article.html",
    "techniques.html",
    "technique.html",
    "benefits.html",
    "benefit.html",
    "tags.html",
    "tag.html",
    "faq.html",
    "page.html",
    "404.html",
    "search.html",
];

/// Each template of `theme` by name: the file it comes from, as shown in messages, and
/// its text.
pub(super) fn template_sources(theme: &Theme) -> Sources<'_> {
    (theme.templates.iter())
        .map(|t| (t.name.as_str(), (&t.display, t.text.as_str())))
        .collect()
}

/// Compiles the theme's templates, reporting every syntax error.
pub fn compile(theme: &Theme) -> Result<Tera, Vec<Diagnostic>> {
    let display = template_sources(theme);
    let mut problems = Vec::new();
    // Parse each template alone first, so every syntax error is reported, not just one
    // (and once: a theme's template is there under two names).
    let mut seen = std::collections::HashSet::new();
    for t in theme.templates.iter().filter(|t| seen.insert(&t.display)) {
        let mut alone = Tera::new();
        if let Err(e) = alone.add_raw_template(&t.name, &t.text)
            && matches!(e.kind(), tera::ErrorKind::SyntaxError(_))
        {
            problems.push(template_error(&e, &display));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut tera = Tera::new();
    tera.autoescape_on([".html", ".htm", ".xml"]);
    tera.register_filter("safe", safe);
    tera.register_filter("date", super::dates::filter);
    tera.register_filter("default", default);
    tera.register_function("range", super::limits::range);
    // Known when templates compile; the site's words replace it (`stages::load_theme`).
    super::i18n::register(&mut tera, Default::default());
    tera.add_raw_templates(theme.templates.iter().map(|t| (t.name.as_str(), t.text.as_str())))
        .map_err(|e| compile_errors(&e, &display, &theme.full_names))?;
    Ok(tera)
}

/// Tera's `safe` filter without its copy: a string is marked safe as it is (Tera's own
/// copies it, and an article's body and JSON-LD went through it on every page); any
/// other value is written out and marked safe, as Tera's does.
fn safe(value: tera::Value, _: tera::Kwargs, _: &tera::State) -> tera::Value {
    if value.is_string() {
        value.mark_safe()
    } else {
        tera::Value::safe_string(&value.to_string())
    }
}

/// Tera's `default` filter, which also stands in for an empty value (`null`): the
/// optional fields templates receive (`article.updated`) are empty when not set, and
/// `{{ article.updated | default(value="never") }}` must work on them.
fn default(value: tera::Value, kwargs: tera::Kwargs, _: &tera::State) -> tera::TeraResult<tera::Value> {
    let fallback = kwargs.must_get::<tera::Value>("value")?;
    let missing = if kwargs.get::<bool>("boolean")?.unwrap_or_default() {
        !value.is_truthy()
    } else {
        value.is_undefined() || value.is_none()
    };
    Ok(if missing { fallback } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tera::Context;

    /// `safe` is Tera's filter but for the copy: strings unescaped, other values
    /// written out.
    #[test]
    fn safe_filter_writes_what_teras_writes() {
        let template = r#"{{ s | safe }}|{{ s }}|{{ n | safe }}|{{ list | safe }}|{{ "<i>" ~ s | safe }}"#;
        let mut context = Context::new();
        context.insert("s", "<b>&</b>");
        context.insert("n", &42);
        context.insert("list", &["<a>", "b"]);
        let render = |ours: bool| {
            let mut tera = Tera::new();
            tera.autoescape_on([".html"]);
            if ours {
                tera.register_filter("safe", safe);
            }
            tera.add_raw_template("t.html", template).map_err(|e| e.to_string())?;
            tera.render("t.html", &context).map_err(|e| e.to_string())
        };
        let theirs = render(false);
        assert_eq!(render(true), theirs);
        assert!(theirs.is_ok_and(|t| t.starts_with("<b>&</b>|&lt;b&gt;&amp;&lt;/b&gt;|42|")));
    }

    /// The lists that messages and the theme guide give are what templates have.
    #[test]
    fn every_listed_filter_function_and_test_exists() {
        let dir = tempfile::tempdir().unwrap();
        let mut theme = crate::source::theme::load(dir.path(), "default").unwrap();
        let mut text = String::new();
        for f in super::super::FILTERS {
            text.push_str(&format!("{{{{ 1 | {f} }}}}"));
        }
        for f in super::super::FUNCTIONS {
            text.push_str(&format!("{{{{ {f}() }}}}"));
        }
        for t in super::super::TESTS {
            text.push_str(&format!("{{% if 1 is {t} %}}{{% endif %}}"));
        }
        theme.templates.push(crate::source::theme::Template {
            name: "all.html".into(),
            display: "all.html".into(),
            text,
        });
        assert!(compile(&theme).is_ok(), "{:?}", compile(&theme).err());
        theme.templates.last_mut().unwrap().text = "{{ 1 | nope }}".into();
        assert!(compile(&theme).is_err());
    }

    /// `default` stands in for missing and empty values, as templates receive optional
    /// fields empty; `boolean=true` for any falsy value, as Tera's.
    #[test]
    fn default_stands_in_for_missing_and_empty_values() {
        let mut context = Context::new();
        context.insert("a", &serde_json::json!({ "updated": null, "n": 0, "s": "x" }));
        let mut tera = Tera::new();
        tera.register_filter("default", default);
        let t = r#"{{ a.updated | default(value="never") }}|{{ a.missing | default(value="m") }}|{{ a.n | default(value=5) }}|{{ a.n | default(value=5, boolean=true) }}|{{ a.s | default(value="y") }}"#;
        tera.add_raw_template("t", t).unwrap();
        assert_eq!(tera.render("t", &context).unwrap(), "never|m|0|5|x");
    }
}
