# AmprentaFake - start the loopback fakes of Notion, Pinecone and the
# embeddings API (test/fake/fake_services.py) from a TAP test and talk to
# their control API.
package AmprentaFake;

use strict;
use warnings;
use File::Temp qw(tempfile);
use HTTP::Tiny;
use IPC::Run;
use JSON::PP;
use Test::More;

my $json = JSON::PP->new->canonical;
my @running;	# harnesses still running, stopped at exit whatever happens

END { for my $h (@running) { eval { $h->kill_kill(grace => 2); }; } }

# AmprentaFake->start(seed => {...}): the fakes, running; dies unless ready.
sub start
{
	my ($class, %opt) = @_;
	my ($fh, $seedfile) = tempfile(SUFFIX => '.json', UNLINK => 1);
	print $fh $json->encode($opt{seed} // {});
	close $fh;
	my ($in, $out, $err) = ('', '', '');
	my $src = $ENV{AMPRENTA_SRC} // '.';
	my $h = IPC::Run::start(
		[ 'python3', "$src/test/fake/fake_services.py", '--notion-port', '0',
		  '--pinecone-control-port', '0', '--pinecone-data-port', '0',
		  '--openai-port', '0', '--seed', $seedfile ],
		\$in, \$out, \$err, IPC::Run::timeout(30));
	push @running, $h;
	$h->pump until $out =~ /\n/;
	my $ready = $json->decode((split /\n/, $out)[0]);
	die "fakes not ready: $out $err" unless $ready->{ready};
	my $self = bless { h => $h, ports => $ready->{ports}, http => HTTP::Tiny->new(timeout => 30),
		seedfile => $seedfile }, $class;
	return $self;
}

sub port { my ($self, $svc) = @_; return $self->{ports}{$svc}; }
sub url { my ($self, $svc) = @_; return "http://127.0.0.1:" . $self->{ports}{$svc}; }

# control(method, path[, body]): decoded JSON answer of the control API.
sub control
{
	my ($self, $method, $path, $body) = @_;
	my $r = $self->{http}->request($method, $self->url('notion') . $path,
		{ headers => { 'Content-Type' => 'application/json' },
		  defined $body ? (content => $json->encode($body)) : () });
	die "control $method $path: $r->{status} $r->{content}" unless $r->{success};
	return length($r->{content}) ? $json->decode($r->{content}) : undef;
}

sub fault { my ($self, $rule) = @_; return $self->control('POST', '/__fake/faults', $rule); }
sub clear_faults { my ($self) = @_; $self->control('DELETE', '/__fake/faults'); }
sub notion_state { my ($self) = @_; return $self->control('GET', '/__fake/state/notion'); }

sub requests
{
	my ($self, %q) = @_;
	my $qs = join '&', map { "$_=$q{$_}" } sort keys %q;
	return $self->control('GET', '/__fake/requests' . ($qs ? "?$qs" : ''));
}

# Vectors of a Pinecone index (namespace '' by default), by id.
sub vectors
{
	my ($self, $index, $ns) = @_;
	my $st = $self->control('GET', "/__fake/state/pinecone/$index");
	my $space = $st->{namespaces}{$ns // ''} // $st->{$ns // ''} // {};
	my %by = map { $_->{id} => $_ } @{ $space->{vectors} // [] };
	return \%by;
}

sub stop
{
	my ($self) = @_;
	return unless $self->{h};
	my $h = delete $self->{h};
	$h->signal('TERM');
	eval { $h->finish; };
	@running = grep { $_ != $h } @running;
}

sub DESTROY { my ($self) = @_; $self->stop; }

1;
