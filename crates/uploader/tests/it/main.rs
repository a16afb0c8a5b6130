mod bindings;
mod check;
mod core;
mod progress;
mod window;
