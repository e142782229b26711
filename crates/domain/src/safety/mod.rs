//! Safety features that sit beside the crisis directory: noticing when a saved note names
//! suicide or self-harm (so the app can offer help gently, never blocking the save), and the
//! person's own safety plan.

pub mod alert;
pub mod plan;
pub mod risk_model;
pub mod self_harm;
