mod bindings;
mod core;
