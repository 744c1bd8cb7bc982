//! Texts in Leptos views (`{t::SAVED}`) and attributes (`placeholder=t::SEARCH_PLACEHOLDER`):
//! rendered as [`Text::get`], the wording in the app's language.

use crate::Text;
use leptos::tachys::html::attribute::IntoAttributeValue;
use leptos::tachys::view::IntoRender;

impl IntoRender for Text {
    type Output = &'static str;

    fn into_render(self) -> Self::Output {
        self.get()
    }
}

impl IntoAttributeValue for Text {
    type Output = &'static str;

    fn into_attribute_value(self) -> Self::Output {
        self.get()
    }
}
