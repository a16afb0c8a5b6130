mod bindings;
mod check;
mod core;
mod gate;
mod progress;
mod window;
