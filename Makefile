# CKS: the commands a newcomer types. Details in README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help
CKS_DB ?= cks
CKS_PORT ?= 8069
export CKS_DB CKS_PORT

.PHONY: help setup run agent test lint shell master-password clean

help:
	@echo "make run              set up everything, create database $(CKS_DB) with demo data, serve http://127.0.0.1:$(CKS_PORT)"
	@echo "make agent            the signing agent with the demo's tokens, for signing 'on this computer' (after make run)"
	@echo "make test             set up, lint, run pytest and Odoo's tests on a throwaway database"
	@echo "make lint             ruff and pylint-odoo on addons/ and tests/"
	@echo "make setup            only install what is missing (Debian packages, Odoo 19, .venv, PostgreSQL)"
	@echo "make shell            Odoo shell on database $(CKS_DB)"
	@echo "make master-password  print a hash for admin_passwd in odoo.conf"
	@echo "make clean            remove .local/ and .venv/ (databases are kept)"

setup:
	@bash scripts/setup.sh

run:
	@bash scripts/run.sh

agent:
	@bash scripts/agent.sh

test:
	@bash scripts/test.sh

lint:
	@bash scripts/setup.sh && bash scripts/lint.sh

shell: setup
	@scripts/odoo shell -d $(CKS_DB)

master-password: setup
	@.venv/bin/python -c "import getpass; from passlib.context import CryptContext; \
	print(CryptContext(['pbkdf2_sha512']).hash(getpass.getpass('New master password: ')))"

clean:
	rm -rf .local .venv
