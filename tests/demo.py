"""The demo series (seminars/devdata/systems-seminar.json) as the tests see it at NOW."""

INFERENCE = "Inference and AI Infrastructure (Special Event for #BosTechWeek)"
# Upcoming soonest first, past latest first (tests/clock.py NOW; the `demo` fixture).
DEMO_UPCOMING = [
    INFERENCE,
    "Firefly: Scalable, Ultra-Accurate Clock Synchronization for Datacenters",
    "High-Dimensional Gradient-Free Optimization for Neuroscience, Interpretability and LLMs: "
    "Why It Works and How to Make It Better",
    "Collapsing Towers of Interpreters for Security",
    "Practical End-to-End Privacy and Data Use Policy Enforcement",
]
DEMO_PAST = [
    "Systems at the Crossroad of Agents & Infrastructure (MLSys ’26 Digest Talk)",
    "Building Scalable Distributed Databases in the Age of Geo-Replication",
    "Systems Seminar: Round Table Discussion",
    "Sketches and Their Applications for Synchronization, Blockchain Networks and Learning",
    "A Year in LLM Serving: Workload Evolution, Caching and Load-Balancing",
]
