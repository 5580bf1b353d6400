pub struct CatalogArgs;
