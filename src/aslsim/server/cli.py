"""``aslsim serve``: the Step Functions API on localhost for SDKs, the AWS CLI and Step Functions
Local users."""
from __future__ import annotations

import signal
import sys
from pathlib import Path

import click

from ..errors import InputError
from ..machine_options import lambda_option, local_lambdas

EXIT_INVALID = 2


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (127.0.0.1: this machine only).")
@click.option("--port", type=click.IntRange(0, 65535), default=8083, show_default=True,
              help="Port to listen on (Step Functions Local's 8083 by default; 0: any free port).")
@click.option("--region", default="us-east-1", show_default=True,
              help="Region of the ARNs when a request is not signed for one.")
@click.option("--mock-config", "mock_config_file", type=click.Path(dir_okay=False), envvar="SFN_MOCK_CONFIG",
              help="Step Functions Local MockConfigFile (default: $SFN_MOCK_CONFIG, else ./MockConfigFile.json "
                   "when present); start executions with stateMachineArn#TestCase.")
@click.option("--aws", type=click.Choice(["moto"]),
              help="Answer the Tasks nothing else answers with moto's in-memory AWS (kept for the server's life).")
@lambda_option
@click.option("--s3", "s3_folder", type=click.Path(file_okay=False),
              help="Folder whose sub-folders are S3 buckets, for Distributed Maps.")
@click.option("--time", "time_mode", type=click.Choice(["virtual", "real"]), default="virtual", show_default=True,
              help="virtual: an execution runs at once until it ends or waits on the outside world; "
                   "real: waits take their real time (for demos).")
@click.option("--log-requests", is_flag=True, help="Log every request on standard error.")
def serve_command(host, port, region, mock_config_file, aws, lambda_specs, s3_folder, time_mode, log_requests):
    """Serve the Step Functions API (AWS JSON 1.0) backed by aslsim."""
    from .app import Server
    from .backend import ServerConfig
    try:
        mock_config = _mock_config(mock_config_file)
        config = ServerConfig(region=region, mock_config=mock_config, aws=aws, s3=s3_folder,
                              lambdas=local_lambdas(lambda_specs), time=time_mode)
        server = Server(config, host=host, port=port, log_requests=log_requests)
    except InputError as err:
        click.echo(f"aslsim: {err}", err=True)
        sys.exit(EXIT_INVALID)
    except OSError as err:
        click.echo(f"aslsim: cannot listen on {host}:{port}: {err.strerror}", err=True)
        sys.exit(EXIT_INVALID)
    click.echo(f"aslsim serve: the Step Functions API on {server.endpoint} ({time_mode} time"
               + (f", mock config {mock_config.file}" if mock_config is not None else "") + ")", err=True)
    click.echo(f"  export AWS_ENDPOINT_URL_SFN={server.endpoint} AWS_DISABLE_HOST_PREFIX_INJECTION=true",
               err=True)
    # SIGTERM (docker stop, a CI runner) ends the server as Ctrl-C does: cleanly
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    click.echo("aslsim serve: stopped", err=True)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _mock_config(file):
    from ..services.mock_config import MockConfig
    if file is None and Path("MockConfigFile.json").is_file():
        file = "MockConfigFile.json"    # where Step Functions Local looks when nothing is set
    return None if file is None else MockConfig.load(file)
