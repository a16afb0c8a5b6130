mod bindings;
mod check;
mod core;
mod window;
