//! The theme's templates: the ones every theme must have, compiling them with every
//! syntax error reported, template errors as located diagnostics, and knead's `safe`
//! filter and `range` function.

use std::collections::HashMap;
use std::path::PathBuf;

use tera::Tera;

use crate::diagnostics::Diagnostic;
use crate::source::theme::Theme;

/// The templates every theme must have.
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
pub(super) fn template_sources(theme: &Theme) -> HashMap<&str, (&PathBuf, &str)> {
    (theme.templates.iter())
        .map(|t| (t.name.as_str(), (&t.display, t.text.as_str())))
        .collect()
}

/// A located diagnostic for a template error, `display` being [`template_sources`].
pub(super) fn template_error(e: &tera::Error, display: &HashMap<&str, (&PathBuf, &str)>) -> Diagnostic {
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let empty = PathBuf::new();
            let (path, text) = display.get(r.filename()).copied().unwrap_or((&empty, ""));
            let span = r.span();
            let len = if span.end_line == span.start_line {
                span.end_col.saturating_sub(span.start_col)
            } else {
                1
            };
            let kind = if matches!(e.kind(), tera::ErrorKind::SyntaxError(_)) {
                "template syntax error"
            } else {
                "template error"
            };
            let mut d = Diagnostic::error(path.clone(), format!("{kind}: {}", r.message()));
            if span.start_line > 0 {
                d = d.at(text, span.start_line, span.start_col + 1, len);
            }
            d.help("fix the template; the Tera 2 syntax is described at https://keats.github.io/tera/")
        }
        tera::ErrorKind::MissingParent { current, parent } => {
            let path = display
                .get(current.as_str())
                .map_or_else(PathBuf::new, |(p, _)| (*p).clone());
            Diagnostic::error(path, format!("this template extends `{parent}`, which does not exist"))
                .help("check the name in `{% extends \"...\" %}`")
        }
        _ => {
            let mut msg = e.to_string();
            let mut src = std::error::Error::source(e);
            while let Some(s) = src {
                msg.push_str(": ");
                msg.push_str(&s.to_string());
                src = s.source();
            }
            Diagnostic::error("templates", format!("template error: {msg}"))
        }
    }
}

/// Compiles the theme's templates, reporting every syntax error.
pub fn compile(theme: &Theme, theme_name: &str) -> Result<Tera, Vec<Diagnostic>> {
    let display = template_sources(theme);
    let mut problems = Vec::new();
    // Parse each template alone first, so every syntax error is reported, not just one.
    for t in &theme.templates {
        let mut alone = Tera::new();
        if let Err(e) = alone.add_raw_template(&t.name, &t.text)
            && matches!(e.kind(), tera::ErrorKind::SyntaxError(_))
        {
            problems.push(template_error(&e, &display));
        }
    }
    for name in REQUIRED_TEMPLATES {
        if !display.contains_key(name) {
            problems.push(
                Diagnostic::error(format!("themes/{theme_name}/templates"), format!("the theme `{theme_name}` has no template `{name}`"))
                    .help(format!("add themes/{theme_name}/templates/{name} (the default theme's is a good start), or templates/{name} in the site")),
            );
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut tera = Tera::new();
    tera.autoescape_on([".html", ".htm", ".xml"]);
    tera.register_filter("safe", safe);
    tera.register_function("range", super::limits::range);
    // Known when templates compile; the site's words replace it (`stages::load_theme`).
    super::i18n::register(&mut tera, Default::default());
    tera.add_raw_templates(theme.templates.iter().map(|t| (t.name.as_str(), t.text.as_str())))
        .map_err(|e| vec![template_error(&e, &display)])?;
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
}
