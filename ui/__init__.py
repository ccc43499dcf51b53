"""The web UI (gradio), mounted into the API server at /ui."""
