//! The catalog page's work done once per catalog change instead of once per request: every task read and its
//! card rendered, kept until the catalog's stamp moves. A request then costs one small query (the stamp), an
//! in-memory filter and the page around the cards.

use std::sync::{Arc, RwLock};

use minijinja::value::Serde;
use minijinja::{Value, context};

use crate::services::catalog::{self, AreaOption, CatalogStamp, Listed};
use crate::templates::Templates;
use crate::web::error::AppResult;

pub struct RenderedCatalog {
    pub stamp: CatalogStamp,
    pub entries: Vec<Listed>,
    /// The HTML card of each entry, same order; safe-string values, so a page clones a reference, not the text.
    pub cards: Vec<Value>,
    pub areas: Vec<AreaOption>,
}

#[derive(Default)]
pub struct CatalogCache {
    current: RwLock<Option<Arc<RenderedCatalog>>>,
}

impl CatalogCache {
    pub async fn get(
        &self,
        db: &sea_orm::DatabaseConnection,
        templates: &Templates,
    ) -> AppResult<Arc<RenderedCatalog>> {
        let stamp = catalog::stamp(db).await?;
        if let Some(cached) = self.current.read().expect("catalog cache lock").as_ref()
            && cached.stamp == stamp
        {
            return Ok(cached.clone());
        }
        // Two requests may rebuild at once after a change; both get a correct copy and the last one stays.
        let entries = catalog::all_tasks(db).await?;
        let areas = catalog::areas(db).await?;
        let cards = entries
            .iter()
            .map(|l| {
                templates
                    .render("partials/task_card.html", context! { t => Serde(&l.task) })
                    .map(Value::from_safe_string)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let rendered = Arc::new(RenderedCatalog {
            stamp,
            entries,
            cards,
            areas,
        });
        *self.current.write().expect("catalog cache lock") = Some(rendered.clone());
        Ok(rendered)
    }
}
