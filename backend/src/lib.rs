//! Onramp: pairs newcomers to Rust in the Linux kernel with mentors and with binding or driver tasks, and keeps
//! them moving to a merged patch. Layers: `web` -> `services` -> (`domain`, `db`, `mail`); see DESIGN.md.

pub mod app;
pub mod assets;
pub mod auth;
pub mod cli;
pub mod config;
pub mod database;
pub mod db;
pub mod domain;
pub mod jobs;
pub mod mail;
pub mod services;
pub mod shutdown;
pub mod templates;
pub mod web;
