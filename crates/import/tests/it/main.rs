mod read;
mod fixtures;
