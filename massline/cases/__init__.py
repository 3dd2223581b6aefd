"""Demand handling (接诉即办): intake, dispatch, signing, return, handling, reply, return visit, rating."""
