mod bindings;
mod core;
mod window;
