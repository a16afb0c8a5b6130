mod fixtures;
mod pipeline;
mod props;
mod read;
mod report;
